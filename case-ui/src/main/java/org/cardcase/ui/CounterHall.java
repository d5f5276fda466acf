package org.cardcase.ui;

import java.time.Clock;
import org.cardcase.counter.CounterLookups;
import org.cardcase.verification.PhotosOnFile;
import org.springframework.stereotype.Component;

/**
 * What the counter's hall screens need beside the counter's forms: the registry's photo on file
 * shown before it is chosen, and the lookups by the ID card presented. One bean, so the counter
 * screen takes one more argument, not several.
 */
@Component
public class CounterHall {
  final PhotosOnFile photos;
  final CounterLookups lookups;
  final Staff staff;
  final Clock clock;

  public CounterHall(PhotosOnFile photos, CounterLookups lookups, Staff staff, Clock clock) {
    this.photos = photos;
    this.lookups = lookups;
    this.staff = staff;
    this.clock = clock;
  }
}
