#include "writctl.h"
int writctl_case_export(writ_config_t *cfg, int argc, char **argv) { (void)cfg;(void)argc;(void)argv; return 64; }
