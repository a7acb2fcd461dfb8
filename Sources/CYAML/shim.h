#ifndef MUSTARD_CYAML_SHIM_H
#define MUSTARD_CYAML_SHIM_H
#include <yaml.h>
#endif
