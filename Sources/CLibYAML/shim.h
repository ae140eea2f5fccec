#ifndef PLAN_CLIBYAML_SHIM_H
#define PLAN_CLIBYAML_SHIM_H
#include <yaml.h>
#endif
