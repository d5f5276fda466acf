package org.cardcase.family;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The family rules the guides do not make, as the service centre's configuration ({@code
 * cardcase.family.*}). Each default is what the guides say (guides 000–003): no limit on the members
 * of a family account, any family relationship in the reference data (the guides say "familiares",
 * "parientes", "relación" and name none that is excluded), and the child e-card on the household
 * register photo the parent uploads and signs for (guide 003 asks for "your household register and
 * your child's", not the same one). A centre that sets one of them makes it its own rule, and every
 * refusal by it says so ("the service centre's rule").
 */
@Component
@ConfigurationProperties("cardcase.family")
public class FamilyRules {
  /** The words every refusal by one of these rules carries. */
  public static final String CENTRE_RULE = "the service centre's rule, not the guides'";

  /** At most this many members in a holder's family account; 0 (the default): no limit. */
  private int maxMembers = 0;
  /** The relationship codes that may be bound; empty (the default): every relationship in the reference data. */
  private List<String> relationships = List.of();
  /** A child e-card only for a child the population registry puts on the parent's household register. */
  private boolean childOnParentsHouseholdRegister = false;

  public int getMaxMembers() {
    return maxMembers;
  }

  public void setMaxMembers(int maxMembers) {
    this.maxMembers = Math.max(0, maxMembers);
  }

  public List<String> getRelationships() {
    return relationships;
  }

  public void setRelationships(List<String> relationships) {
    this.relationships = relationships == null ? List.of()
        : relationships.stream().map(String::strip).filter(s -> !s.isEmpty()).map(String::toUpperCase).toList();
  }

  public boolean isChildOnParentsHouseholdRegister() {
    return childOnParentsHouseholdRegister;
  }

  public void setChildOnParentsHouseholdRegister(boolean v) {
    this.childOnParentsHouseholdRegister = v;
  }

  /** Whether a limit on members is set. */
  public boolean limitsMembers() {
    return maxMembers > 0;
  }

  /** Whether this relationship (a code of the reference data) may be bound. */
  public boolean bindable(String relationshipCode) {
    return relationships.isEmpty() || relationships.contains(relationshipCode);
  }
}
