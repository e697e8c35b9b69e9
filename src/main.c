/* main.c: the program entry point; everything else lives in tcvip.c and the applets. */
#include "tcvip.h"

int main(int argc, char **argv)
{
	return tcvip_main(argc, argv);
}
