/* applets.h: one row per applet, sorted: APPLET(name, link, alias, flags). The row is all there
 * is to know of an applet's names: dispatch (argv[0] is the name, the link or the alias),
 * --install (lays each link), --list and the man page check all read it.
 *   link   the name --install lays in /etc/keepalived and keepalived runs ("" = none)
 *   alias  another name it answers to (the seed kit's habits; "" = none)
 *   flags  APPLET_CONFIG: loads tcvip.conf (tcvip_setup) */
APPLET(check_self, "check_self.sh", "", APPLET_CONFIG)
APPLET(notify_action, "notify_action.sh", "", APPLET_CONFIG)
APPLET(notify_fifo, "notify_fifo.sh", "", APPLET_CONFIG)
APPLET(vip, "vip", "vip.py", APPLET_CONFIG)
