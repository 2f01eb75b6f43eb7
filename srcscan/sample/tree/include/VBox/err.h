/* $Id: err.h $ */
/** @file
 * VirtualBox - VMM status codes (srcscan sample tree).
 */

#ifndef VBOX_INCLUDED_err_h
#define VBOX_INCLUDED_err_h

#include <iprt/err.h>

/** @name CFGM status codes
 * @{ */
/** The requested value does not exist in the node. */
#define VERR_CFGM_VALUE_NOT_FOUND               (-2103)
/** The value exists but has a different type. */
#define VERR_CFGM_NOT_INTEGER                   (-2106)
/** @} */

/** @name SSM status codes
 * @{ */
/** The data unit version is not understood by this build. */
#define VERR_SSM_UNSUPPORTED_DATA_UNIT_VERSION  (-1841)
/** The saved virtual clock frequency differs from ours. */
#define VERR_SSM_VIRTUAL_CLOCK_HZ               (-1853)
/** @} */

/** @name GIM status codes
 * @{ */
/** A paravirt interface operation failed. */
#define VERR_GIM_OPERATION_FAILED               (-6303)
/** The guest wrote an MSR value we refuse; raise \#GP(0). */
#define VERR_CPUM_RAISE_GP_0                    (-1750)
/** @} */

#endif /* !VBOX_INCLUDED_err_h */
