/* $Id: GIMHvInternal.h $ */
/** @file
 * GIM - Hyper-V paravirtualization provider, internal header file (srcscan sample tree).
 */

#ifndef VMM_INCLUDED_SRC_include_GIMHvInternal_h
#define VMM_INCLUDED_SRC_include_GIMHvInternal_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/** @name Hyper-V synthetic MSRs (subset)
 * @{ */
#define MSR_GIM_HV_TIME_REF_COUNT               UINT32_C(0x40000020)
#define MSR_GIM_HV_REF_TSC                      UINT32_C(0x40000021)
#define MSR_GIM_HV_TSC_FREQ                     UINT32_C(0x40000022)
#define MSR_GIM_HV_APIC_FREQ                    UINT32_C(0x40000023)
/** @} */

/** Bit 0 of the reference TSC MSR enables the TSC page. */
#define MSR_GIM_HV_REF_TSC_ENABLE_BIT           RT_BIT_64(0)
/** Guest physical address of the TSC page in an MSR value. */
#define MSR_GIM_HV_REF_TSC_GUEST_GPA(a)         ((a) & ~UINT64_C(0xfff))

/** The reference time counter runs at 10 MHz (100 ns units). */
#define GIM_HV_REF_COUNT_HZ                     UINT64_C(10000000)


/**
 * The reference TSC page the guest reads.
 *
 * Reference time (100 ns) = ((TSC * u64TscScale) >> 64) + i64TscOffset.
 */
typedef struct GIMHVREFTSC
{
    /** Sequence, 0 means "fall back to the MSR". */
    uint32_t                    u32TscSequence;
    uint32_t                    uReserved0;
    /** 64.64 fixed point multiplier. */
    uint64_t                    u64TscScale;
    /** Offset in 100 ns units. */
    int64_t                     i64TscOffset;
} GIMHVREFTSC;
/** Pointer to a reference TSC page. */
typedef GIMHVREFTSC *PGIMHVREFTSC;


/**
 * Hyper-V provider VM instance data, lives in GIM::u.Hv.
 */
typedef struct GIMHV
{
    /** Guest OS identity the guest wrote. */
    uint64_t                    u64GuestOsIdMsr;
    /** Last value written to the reference TSC MSR. */
    uint64_t                    u64TscPageMsr;
    /** Base feature bits (CPUID 0x40000003 EAX). */
    uint32_t                    uBaseFeat;
    /** The TSC frequency (Hz) given to the guest. */
    uint64_t                    cTscTicksPerSecond;
    /** Local APIC timer frequency (Hz) given to the guest. */
    uint64_t                    cApicTicksPerSecond;
} GIMHV;
/** Pointer to Hyper-V VM instance data. */
typedef GIMHV *PGIMHV;


/**
 * Hyper-V provider VCPU instance data, lives in GIMCPU::u.HvCpu.
 */
typedef struct GIMHVCPU
{
    /** Synthetic interrupt control MSR. */
    uint64_t                    uSControlMsr;
} GIMHVCPU;
/** Pointer to Hyper-V VCPU instance data. */
typedef GIMHVCPU *PGIMHVCPU;


VMMR3_INT_DECL(int)     gimR3HvInit(PVM pVM);
VMMR3_INT_DECL(int)     gimR3HvInitCompleted(PVM pVM);
VMMR3_INT_DECL(int)     gimR3HvEnableTscPage(PVM pVM, RTGCPHYS GCPhysTscPage, bool fUseThisTscSeq, uint32_t uTscSeq);
DECLCALLBACK(int)       gimR3HvReadMsr(PVMCPU pVCpu, uint32_t idMsr, uint64_t *puValue);

RT_C_DECLS_END

#endif /* !VMM_INCLUDED_SRC_include_GIMHvInternal_h */
