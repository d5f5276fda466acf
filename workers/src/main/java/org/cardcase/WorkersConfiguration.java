package org.cardcase;

import java.time.Clock;
import org.cardcase.deadlines.DeadlineRules;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration
@EnableScheduling
@EnableConfigurationProperties(DeadlineRules.class)
public class WorkersConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
