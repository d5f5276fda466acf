package org.cardcase;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration
@EnableScheduling
@EnableConfigurationProperties(org.cardcase.deadlines.DeadlineRules.class)
public class WorkersConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
