/* $Id: assert.h $ */
/** @file
 * IPRT - Assertions (srcscan sample tree).
 *
 * Release builds compile these away; only the RC-return flavour keeps its
 * control flow.
 */

#ifndef IPRT_INCLUDED_assert_h
#define IPRT_INCLUDED_assert_h

#include <iprt/cdefs.h>

#define Assert(expr)                    do { } while (0)
#define AssertPtr(ptr)                  do { } while (0)
#define AssertRCReturn(rc, rcRet)       do { if (RT_FAILURE(rc)) return (rcRet); } while (0)
#define AssertReturn(expr, rcRet)       do { if (RT_UNLIKELY(!(expr))) return (rcRet); } while (0)

#endif /* !IPRT_INCLUDED_assert_h */
