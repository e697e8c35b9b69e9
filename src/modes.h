/* modes.h: one row per way of moving a VIP; MODE(name) is migrate_NAME.c's table,
 * migrate_NAME_ops, and its state, migrate_NAME_state(). The first row is the default;
 * cfg `mode = NAME` picks a row (cfg.mode is its index). */
MODE(eni)
MODE(route)
