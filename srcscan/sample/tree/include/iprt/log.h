/* $Id: log.h $ */
/** @file
 * IPRT - Release logger (srcscan sample tree).
 */

#ifndef IPRT_INCLUDED_log_h
#define IPRT_INCLUDED_log_h

#include <iprt/types.h>

RT_C_DECLS_BEGIN

/** Writes a formatted line to the release log (VBox.log). */
RTDECL(void) RTLogRelPrintf(const char *pszFormat, ...);

/** Writes a formatted line to the debug log (debug builds only). */
RTDECL(void) RTLogPrintf(const char *pszFormat, ...);

RT_C_DECLS_END

#endif /* !IPRT_INCLUDED_log_h */
