/* $Id: log.h $ */
/** @file
 * VirtualBox - Logging macros (srcscan sample tree).
 *
 * The argument of each macro is a parenthesised printf argument list, hence
 * the double parentheses at the call sites: LogRel(("fmt", args)).
 */

#ifndef VBOX_INCLUDED_log_h
#define VBOX_INCLUDED_log_h

#include <iprt/log.h>

/** Log groups; a source file picks one with "#define LOG_GROUP LOG_GROUP_XXX". */
typedef enum VBOXLOGGROUP
{
    LOG_GROUP_DEFAULT = 1,
    LOG_GROUP_GIM,
    LOG_GROUP_TM
} VBOXLOGGROUP;

/** Release logging: always compiled in, ends up in VBox.log. */
#define LogRel(a)       do { RTLogRelPrintf a; } while (0)

/** Function entry/exit tracing: compiled out of release builds. */
#ifdef LOG_ENABLED
# define LogFlow(a)     do { RTLogPrintf a; } while (0)
#else
# define LogFlow(a)     do { } while (0)
#endif

#endif /* !VBOX_INCLUDED_log_h */
