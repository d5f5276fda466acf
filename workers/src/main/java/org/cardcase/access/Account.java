package org.cardcase.access;

import java.util.List;

/**
 * Someone who may call the system: a channel system, a partner system or a member of staff. A
 * channel's or partner's {@code scopes} are the services it may call (none for staff).
 */
public record Account(String name, String passwordHash, List<String> roles, List<String> groups, String kind, List<String> scopes) {}
