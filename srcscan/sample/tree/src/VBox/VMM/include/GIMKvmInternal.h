/* $Id: GIMKvmInternal.h $ */
/** @file
 * GIM - KVM paravirtualization provider, internal header file (srcscan sample tree).
 */

#ifndef VMM_INCLUDED_SRC_include_GIMKvmInternal_h
#define VMM_INCLUDED_SRC_include_GIMKvmInternal_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/** @name KVM MSRs (the "new" 0x4b564dxx range)
 * @{ */
#define MSR_GIM_KVM_WALL_CLOCK                  UINT32_C(0x4b564d00)
#define MSR_GIM_KVM_SYSTEM_TIME                 UINT32_C(0x4b564d01)
/** @} */

/** Bit 0 of the system-time MSR enables the struct. */
#define MSR_GIM_KVM_SYSTEM_TIME_ENABLE_BIT      RT_BIT_64(0)
/** Whether the system-time MSR value has the enable bit set. */
#define MSR_GIM_KVM_SYSTEM_TIME_IS_ENABLED(a)   RT_BOOL((a) & MSR_GIM_KVM_SYSTEM_TIME_ENABLE_BIT)
/** Guest physical address of the system-time struct in an MSR value. */
#define MSR_GIM_KVM_SYSTEM_TIME_GUEST_GPA(a)    ((a) & ~MSR_GIM_KVM_SYSTEM_TIME_ENABLE_BIT)
/** Guest physical address of the wall-clock struct in an MSR value. */
#define MSR_GIM_KVM_WALL_CLOCK_GUEST_GPA(a)     (a)

/** System-time flag: the TSC is stable across VCPUs. */
#define GIM_KVM_SYSTEM_TIME_FLAGS_TSC_STABLE    RT_BIT(0)
/** CPUID 0x40000001 EAX feature bit: clocksource with stable TSC. */
#define GIM_KVM_BASE_FEAT_TSC_STABLE            RT_BIT(24)
/** CPUID 0x40000001 EAX feature bit: the new clocksource MSRs. */
#define GIM_KVM_BASE_FEAT_CLOCK2                RT_BIT(3)


/**
 * The per-VCPU system-time struct the guest kernel reads (pvclock).
 *
 * The guest turns a TSC reading into nanoseconds with:
 *     delta = rdtsc() - u64Tsc, shifted left by i8TscShift (right if negative),
 *     ns    = u64NanoTS + ((delta * u32TscScale) >> 32)
 */
typedef struct GIMKVMSYSTEMTIME
{
    /** Sequence number, odd while the host updates the struct. */
    uint32_t        u32Version;
    uint32_t        u32Padding0;
    /** TSC value at the time of the update. */
    uint64_t        u64Tsc;
    /** System time (ns) at the time of the update. */
    uint64_t        u64NanoTS;
    /** 32.32 fixed point multiplier from shifted TSC ticks to nanoseconds. */
    uint32_t        u32TscScale;
    /** Power of two applied to the TSC delta before scaling. */
    int8_t          i8TscShift;
    /** GIM_KVM_SYSTEM_TIME_FLAGS_XXX. */
    uint8_t         fFlags;
    uint8_t         abPadding0[2];
} GIMKVMSYSTEMTIME;
/** Pointer to a KVM system-time struct. */
typedef GIMKVMSYSTEMTIME *PGIMKVMSYSTEMTIME;


/**
 * The global wall-clock struct (boot time, UTC).
 */
typedef struct GIMKVMWALLCLOCK
{
    /** Sequence number, odd while the host updates the struct. */
    uint32_t        u32Version;
    /** Seconds since the Unix epoch. */
    uint32_t        u32Sec;
    /** Nanoseconds part. */
    uint32_t        u32Nano;
} GIMKVMWALLCLOCK;
/** Pointer to a KVM wall-clock struct. */
typedef GIMKVMWALLCLOCK *PGIMKVMWALLCLOCK;


/**
 * KVM provider VM instance data, lives in GIM::u.Kvm.
 */
typedef struct GIMKVM
{
    /** Last value written to the wall-clock MSR. */
    uint64_t                    u64WallClockMsr;
    /** CPUID 0x40000001 EAX feature bits. */
    uint32_t                    uBaseFeat;
    /** Whether \#UD should be intercepted for hypercall patching. */
    bool                        fTrapXcptUD;
    /** The TSC frequency (Hz) the paravirt clock is built on. */
    uint64_t                    cTscTicksPerSecond;
} GIMKVM;
/** Pointer to KVM VM instance data. */
typedef GIMKVM *PGIMKVM;


/**
 * KVM provider VCPU instance data, lives in GIMCPU::u.KvmCpu.
 */
typedef struct GIMKVMCPU
{
    /** Last value written to the system-time MSR. */
    uint64_t                    u64SystemTimeMsr;
    /** Guest physical address of the system-time struct. */
    RTGCPHYS                    GCPhysSystemTime;
    /** Version (sequence) of the system-time struct. */
    uint32_t                    u32SystemTimeVersion;
    /** Guest TSC when the system-time MSR was written. */
    uint64_t                    uTsc;
    /** Virtual time (ns) when the system-time MSR was written. */
    uint64_t                    uVirtNanoTS;
    /** Flags for the system-time struct. */
    uint8_t                     fSystemTimeFlags;
} GIMKVMCPU;
/** Pointer to KVM VCPU instance data. */
typedef GIMKVMCPU *PGIMKVMCPU;


VMMR3_INT_DECL(int)     gimR3KvmInit(PVM pVM);
VMMR3_INT_DECL(int)     gimR3KvmInitCompleted(PVM pVM);
VMMR3_INT_DECL(int)     gimR3KvmEnableSystemTime(PVM pVM, PVMCPU pVCpu, uint64_t uMsrSystemTime);
VMMR3_INT_DECL(int)     gimR3KvmEnableWallClock(PVM pVM, RTGCPHYS GCPhysWallClock);
DECLCALLBACK(int)       gimR3KvmWriteMsr(PVMCPU pVCpu, uint32_t idMsr, uint64_t uRawValue);

RT_C_DECLS_END

#endif /* !VMM_INCLUDED_SRC_include_GIMKvmInternal_h */
