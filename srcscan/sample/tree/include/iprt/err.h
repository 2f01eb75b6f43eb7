/* $Id: err.h $ */
/** @file
 * IPRT - Status codes (srcscan sample tree).
 */

#ifndef IPRT_INCLUDED_err_h
#define IPRT_INCLUDED_err_h

#include <iprt/cdefs.h>

/** Success. */
#define VINF_SUCCESS                    0
/** Generic failure. */
#define VERR_GENERAL_FAILURE            (-1)
/** Invalid parameter. */
#define VERR_INVALID_PARAMETER          (-2)
/** Out of memory. */
#define VERR_NO_MEMORY                  (-8)
/** Not supported. */
#define VERR_NOT_SUPPORTED              (-37)

/** Non-negative status codes mean success. */
#define RT_SUCCESS(rc)                  RT_LIKELY((int)(rc) >= VINF_SUCCESS)
/** Negative status codes mean failure. */
#define RT_FAILURE(rc)                  RT_UNLIKELY(!RT_SUCCESS(rc))

#endif /* !IPRT_INCLUDED_err_h */
