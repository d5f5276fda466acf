package org.cardcase.access;

import java.util.List;

/** Someone who may call the system: a channel system, a partner system or a member of staff. */
public record Account(String name, String passwordHash, List<String> roles, List<String> groups, String kind) {}
