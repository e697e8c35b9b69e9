/* applets.h: the one list of applets, sorted; expanded by tcvip.c into prototypes and a table. */
APPLET(check_self)
APPLET(notify_action)
APPLET(notify_fifo)
APPLET(vip)
