/* $Id: sup.h $ */
/** @file
 * SUP - Support library interface, global info page part (srcscan sample tree).
 *
 * The support driver maps a read-only Global Information Page (GIP) into
 * every VM process.  It carries the host TSC frequency as measured by the
 * driver, both as a single value and per host CPU.
 */

#ifndef VBOX_INCLUDED_sup_h
#define VBOX_INCLUDED_sup_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/** How the GIP keeps its TSC data. */
typedef enum SUPGIPMODE
{
    SUPGIPMODE_INVALID = 0,
    /** One TSC shared by all CPUs, but it may change speed. */
    SUPGIPMODE_SYNC_TSC,
    /** Each CPU has its own TSC with its own rate. */
    SUPGIPMODE_ASYNC_TSC,
    /** Constant rate TSC, the same on all CPUs. */
    SUPGIPMODE_INVARIANT_TSC,
    SUPGIPMODE_END
} SUPGIPMODE;

/** Per host CPU part of the GIP. */
typedef struct SUPGIPCPU
{
    /** The TSC frequency of this CPU in Hz. */
    uint64_t            u64CpuHz;
    /** The TSC delta relative to the master CPU. */
    int64_t             i64TSCDelta;
    /** The host CPU identifier. */
    RTCPUID             idCpu;
} SUPGIPCPU;

/** The Global Information Page. */
typedef struct SUPGLOBALINFOPAGE
{
    /** SUPGIPMODE value. */
    uint32_t            u32Mode;
    /** How often the page is refreshed per second. */
    uint32_t            u32UpdateHz;
    /** Number of valid entries in aCPUs. */
    uint16_t            cCpus;
    /** The nominal TSC frequency in Hz (all CPUs, invariant mode). */
    uint64_t            u64CpuHz;
    /** Per CPU data, indexed by CPU set index. */
    SUPGIPCPU           aCPUs[64];
} SUPGLOBALINFOPAGE;
/** Pointer to the GIP. */
typedef SUPGLOBALINFOPAGE *PSUPGLOBALINFOPAGE;

/** The GIP mapping of this process, NULL when running driverless. */
extern PSUPGLOBALINFOPAGE g_pSUPGlobalInfoPage;

/**
 * Gets the TSC frequency of a given host CPU.
 *
 * @returns Frequency in Hz, ~(uint64_t)0 if the index is out of range.
 * @param   pGip        The GIP.
 * @param   iCpuSet     CPU set index of the host CPU.
 */
DECLINLINE(uint64_t) SUPGetCpuHzFromGipBySetIndex(PSUPGLOBALINFOPAGE pGip, uint32_t iCpuSet)
{
    if (pGip->u32Mode == SUPGIPMODE_INVARIANT_TSC)
        return pGip->u64CpuHz;
    if (iCpuSet < pGip->cCpus)
        return pGip->aCPUs[iCpuSet].u64CpuHz;
    return ~(uint64_t)0;
}

/**
 * Gets the TSC frequency without caring which CPU we run on.
 *
 * @returns Frequency in Hz.
 * @param   pGip        The GIP.
 */
DECLINLINE(uint64_t) SUPGetCpuHzFromGip(PSUPGLOBALINFOPAGE pGip)
{
    /* Outside invariant mode the first entry is as good a guess as any. */
    return SUPGetCpuHzFromGipBySetIndex(pGip, 0);
}

/** Whether the process runs without the support driver. */
bool SUPR3IsDriverless(void);

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_sup_h */
