package org.cardcase.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cardcase.access.ApiCallLog;
import org.cardcase.api.ApiRequests;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/** Records every API call with the channel that made it, refused ones included. */
@Configuration
public class ApiCallFilter {

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> apiCallLogFilter(ApiCallLog log) {
    OncePerRequestFilter f = new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
          throws ServletException, IOException {
        try {
          chain.doFilter(req, res);
        } finally {
          log.record((String) req.getAttribute(SecurityConfiguration.CALLER), req.getMethod(), req.getRequestURI(),
              res.getStatus(), (String) req.getAttribute(ApiRequests.CASE_NUMBER));
        }
      }
    };
    FilterRegistrationBean<OncePerRequestFilter> reg = new FilterRegistrationBean<>(f);
    reg.addUrlPatterns("/api/*");
    reg.setOrder(-200); // outside Spring Security, so refused calls are recorded too
    return reg;
  }
}
