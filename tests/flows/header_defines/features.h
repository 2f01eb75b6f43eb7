/* A header of the tree: what it defines and undefines decides the #if branches of every file
   that includes it (dev.c). */
#ifndef DEV_FEATURES_H
#define DEV_FEATURES_H
#include "limits.h"
#define DEV_WITH_FIFO
#undef DEV_LEGACY_MODE
#ifdef HOST_HAS_TURBO
# define DEV_WITH_TURBO
#endif
#endif
