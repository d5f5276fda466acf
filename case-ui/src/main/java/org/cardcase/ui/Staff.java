package org.cardcase.ui;

import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.List;
import org.cardcase.access.Account;
import org.cardcase.access.Accounts;
import org.cardcase.tasks.TaskQueue;
import org.springframework.stereotype.Component;

/** The signed-in member of staff, as the domain services need them (name, roles, work groups). */
@Component
public class Staff {
  private final AuthenticationContext auth;
  private final Accounts accounts;

  public Staff(AuthenticationContext auth, Accounts accounts) {
    this.auth = auth;
    this.accounts = accounts;
  }

  public TaskQueue.Person person() {
    String name = auth.getPrincipalName().orElseThrow(() -> new IllegalStateException("not signed in"));
    Account a = accounts.find(name).orElseThrow(() -> new IllegalStateException("no account " + name));
    return new TaskQueue.Person(a.name(), a.roles(), a.groups());
  }

  public boolean has(String role) {
    return auth.hasRole(role);
  }

  public List<String> groups() {
    return person().groups();
  }
}
