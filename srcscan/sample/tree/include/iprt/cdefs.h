/* $Id: cdefs.h $ */
/** @file
 * IPRT - Common C and C++ definitions (srcscan sample tree).
 *
 * A trimmed-down stand-in for the real header: just the declaration
 * wrappers, size constants and time constants that the sample sources use.
 */

#ifndef IPRT_INCLUDED_cdefs_h
#define IPRT_INCLUDED_cdefs_h

/*
 * C linkage blocks for headers shared between C and C++.
 */
#ifdef __cplusplus
# define RT_C_DECLS_BEGIN       extern "C" {
# define RT_C_DECLS_END         }
#else
# define RT_C_DECLS_BEGIN
# define RT_C_DECLS_END
#endif

/*
 * Declaration wrappers.  They only carry the return type here; the real
 * ones also select calling convention and symbol visibility.
 */
#define RTCALL
#define DECLEXPORT(type)        __attribute__((visibility("default"))) type
#define DECLCALLBACK(type)      type RTCALL
#define DECLINLINE(type)        static inline type
#define RTDECL(type)            DECLEXPORT(type) RTCALL

/* VMM flavours: public API, internal API, and ring-3 only variants. */
#define VMMDECL(type)           DECLEXPORT(type) RTCALL
#define VMM_INT_DECL(type)      type
#define VMMR3DECL(type)         DECLEXPORT(type) RTCALL
#define VMMR3_INT_DECL(type)    type

/*
 * Branch prediction hints.
 */
#define RT_LIKELY(expr)         __builtin_expect(!!(expr), 1)
#define RT_UNLIKELY(expr)       __builtin_expect(!!(expr), 0)

/*
 * Misc helpers.
 */
#define RT_NOREF(var)           (void)(var)
#define RT_BOOL(expr)           (!!(expr))
#define RT_ELEMENTS(aArray)     (sizeof(aArray) / sizeof((aArray)[0]))
#define RT_BIT(bit)             (1U << (bit))
#define RT_BIT_64(bit)          (UINT64_C(1) << (bit))
#define RT_ZERO(Obj)            memset(&(Obj), 0, sizeof(Obj))
#define RT_SRC_POS              __FILE__, __LINE__, __func__
#define N_(sz)                  (sz)

/*
 * Size constants.
 */
#define _1K                     UINT32_C(0x00000400)
#define _1M                     UINT32_C(0x00100000)
#define _1G                     UINT32_C(0x40000000)
#define _4G                     UINT64_C(0x0000000100000000)
#define _1T                     UINT64_C(0x0000010000000000)

/*
 * Time constants (nanoseconds).
 */
#define RT_NS_1SEC              UINT32_C(1000000000)
#define RT_NS_1SEC_64           UINT64_C(1000000000)
#define RT_NS_1MS               UINT32_C(1000000)
#define RT_NS_1MS_64            UINT64_C(1000000)
#define RT_NS_100MS             UINT32_C(100000000)

#endif /* !IPRT_INCLUDED_cdefs_h */
