#include "writctl.h"
int writctl_queue(writ_config_t *cfg, int argc, char **argv) { (void)cfg;(void)argc;(void)argv; return 64; }
int writctl_due(writ_config_t *cfg, int argc, char **argv) { (void)cfg;(void)argc;(void)argv; return 64; }
int writctl_case_search(writ_config_t *cfg, int argc, char **argv) { (void)cfg;(void)argc;(void)argv; return 64; }
