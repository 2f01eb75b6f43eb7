/* $Id: TMInternal.h $ */
/** @file
 * TM - Internal header file (srcscan sample tree).
 */

#ifndef VMM_INCLUDED_SRC_include_TMInternal_h
#define VMM_INCLUDED_SRC_include_TMInternal_h

#include <VBox/types.h>
#include <VBox/vmm/tm.h>

RT_C_DECLS_BEGIN

/** Version of the TM saved state unit. */
#define TM_SAVED_STATE_VERSION      3

/**
 * How the guest TSC is produced.
 */
typedef enum TMTSCMODE
{
    /** Invalid zero value. */
    TMTSCMODE_INVALID = 0,
    /** Every RDTSC traps and the value is computed from the virtual clock. */
    TMTSCMODE_VIRT_TSC_EMULATED,
    /** The guest reads the host TSC plus an offset. */
    TMTSCMODE_REAL_TSC_OFFSET,
    /** Emulated while the guest does not care, offsetted otherwise. */
    TMTSCMODE_DYNAMIC,
    /** The native virtualization API of the host OS owns the TSC. */
    TMTSCMODE_NATIVE_API,
    /** End of valid values. */
    TMTSCMODE_END
} TMTSCMODE;


/**
 * TM VM instance data, lives in VM::tm.
 */
typedef struct TM
{
    /** The TSC mode in effect. */
    TMTSCMODE                   enmTSCMode;
    /** The TSC mode picked at init time (paravirt may switch away from it). */
    TMTSCMODE                   enmOriginalTSCMode;
    /** Whether TSC mode switches at runtime are allowed. */
    bool                        fTSCModeSwitchAllowed;
    /** Whether the TSC only advances while guest code executes. */
    bool                        fTSCTiedToExecution;
    /** Whether the TSC keeps going while the VCPU halts. */
    bool                        fTSCNotTiedToHalt;
    /** Whether a paravirt clock interface has been enabled by the guest. */
    bool                        fParavirtTscEnabled;
    /** The TSC frequency presented to the guest (Hz). */
    uint64_t                    cTSCTicksPerSecond;
    /** The host TSC frequency as found at init (Hz). */
    uint64_t                    cTSCTicksPerSecondHost;
    /** The virtual clock, nanoseconds. */
    uint64_t                    u64Virtual;
    /** TSC value of the last pause of all VCPUs. */
    uint64_t                    u64LastPausedTSC;
    /** Number of VCPUs whose TSC is ticking. */
    uint32_t                    cTSCsTicking;
} TM;
/** Pointer to TM VM instance data. */
typedef TM *PTM;


/**
 * TM VCPU instance data, lives in VMCPU::tm.
 */
typedef struct TMCPU
{
    /** Offset subtracted from the host TSC in real TSC offset mode. */
    uint64_t                    offTSCRawSrc;
    /** The guest TSC while paused / the emulated TSC base. */
    uint64_t                    u64TSC;
    /** The last TSC value handed to the guest. */
    uint64_t                    u64TSCLastSeen;
    /** Whether this VCPU's TSC is ticking. */
    bool                        fTSCTicking;
} TMCPU;
/** Pointer to TM VCPU instance data. */
typedef TMCPU *PTMCPU;

RT_C_DECLS_END

#endif /* !VMM_INCLUDED_SRC_include_TMInternal_h */
