/* $Id: TM.cpp $ */
/** @file
 * TM - Time Manager, ring-3 init and saved state (srcscan sample tree).
 *
 * Only the TSC part is here: where the guest TSC frequency comes from
 * (the support driver's GIP, or the /TM/TSCTicksPerSecond config key),
 * how it is reported in VBox.log and how it travels through saved states.
 */


/*********************************************************************************************************************************
*   Header Files                                                                                                                 *
*********************************************************************************************************************************/
#define LOG_GROUP LOG_GROUP_TM
#include <VBox/vmm/tm.h>
#include <VBox/vmm/cfgm.h>
#include <VBox/vmm/ssm.h>
#include <VBox/vmm/vmapi.h>
#include "TMInternal.h"
#include <VBox/vmm/vm.h>
#include <VBox/sup.h>
#include <VBox/err.h>
#include <VBox/log.h>
#include <iprt/assert.h>
#include <iprt/asm-math.h>
#include <iprt/asm-amd64-x86.h>
#include <iprt/thread.h>
#include <iprt/time.h>


/*********************************************************************************************************************************
*   Internal Functions                                                                                                           *
*********************************************************************************************************************************/
static uint64_t                 tmR3CalibrateTSC(void);
static DECLCALLBACK(int)        tmR3Save(PVM pVM, PSSMHANDLE pSSM);
static DECLCALLBACK(int)        tmR3Load(PVM pVM, PSSMHANDLE pSSM, uint32_t uVersion, uint32_t uPass);
static const char              *tmR3GetTSCModeName(PVM pVM);


/**
 * Initializes the TSC part of the Time Manager.
 *
 * @returns VBox status code.
 * @param   pVM         The cross context VM structure.
 */
VMMR3_INT_DECL(int) TMR3Init(PVM pVM)
{
    LogFlow(("TMR3Init:\n"));
    int rc;

    /* Say what the support driver measured, it is the default frequency. */
    PSUPGLOBALINFOPAGE pGip = g_pSUPGlobalInfoPage;
    if (pGip)
        LogRel(("TM: GIP - u32Mode=%d u32UpdateHz=%u cCpus=%u u64CpuHz=%'RU64 (%#RX64)\n",
                pGip->u32Mode, pGip->u32UpdateHz, pGip->cCpus, pGip->u64CpuHz, pGip->u64CpuHz));
    else
        LogRel(("TM: No GIP, the TSC frequency will be measured\n"));

    /* Our config node; create an empty one if the user set nothing. */
    PCFGMNODE pCfgHandle = CFGMR3GetChild(CFGMR3GetRoot(pVM), "TM");
    if (!pCfgHandle)
    {
        rc = CFGMR3InsertNode(CFGMR3GetRoot(pVM), "TM", &pCfgHandle);
        AssertRCReturn(rc, rc);
    }

    /*
     * The TSC mode.  Without an explicit choice, single-VCPU VMs may switch
     * between emulation and offsetting; SMP guests always get emulation.
     */
    char szTSCMode[32];
    rc = CFGMR3QueryString(pCfgHandle, "TSCMode", szTSCMode, sizeof(szTSCMode));
    if (rc == VERR_CFGM_VALUE_NOT_FOUND)
        pVM->tm.s.enmTSCMode = pVM->cCpus == 1 ? TMTSCMODE_DYNAMIC : TMTSCMODE_VIRT_TSC_EMULATED;
    else if (RT_FAILURE(rc))
        return VMSetError(pVM, rc, RT_SRC_POS, N_("Configuration error: Failed to query string value \"TSCMode\""));
    else if (!strcmp(szTSCMode, "VirtTSCEmulated"))
        pVM->tm.s.enmTSCMode = TMTSCMODE_VIRT_TSC_EMULATED;
    else if (!strcmp(szTSCMode, "RealTSCOffset"))
        pVM->tm.s.enmTSCMode = TMTSCMODE_REAL_TSC_OFFSET;
    else if (!strcmp(szTSCMode, "Dynamic"))
        pVM->tm.s.enmTSCMode = TMTSCMODE_DYNAMIC;
    else
        return VMSetError(pVM, VERR_INVALID_PARAMETER, RT_SRC_POS,
                          N_("Configuration error: Unknown TSC mode \"%s\""), szTSCMode);

    rc = CFGMR3QueryBoolDef(pCfgHandle, "TSCModeSwitchAllowed", &pVM->tm.s.fTSCModeSwitchAllowed, true);
    if (RT_FAILURE(rc))
        return VMSetError(pVM, rc, RT_SRC_POS, N_("Configuration error: Failed to query bool value \"TSCModeSwitchAllowed\""));

    /*
     * The TSC frequency.  /TM/TSCTicksPerSecond wins over the host value;
     * it is what "VBoxManage setextradata <vm> VBoxInternal/TM/TSCTicksPerSecond"
     * ends up as.
     */
    pVM->tm.s.cTSCTicksPerSecondHost = tmR3CalibrateTSC();
    rc = CFGMR3QueryU64(pCfgHandle, "TSCTicksPerSecond", &pVM->tm.s.cTSCTicksPerSecond);
    if (rc == VERR_CFGM_VALUE_NOT_FOUND)
    {
        pVM->tm.s.cTSCTicksPerSecond = pVM->tm.s.cTSCTicksPerSecondHost;
        /* The emulation divides by a 32-bit frequency, so stay below 4 GHz. */
        if (   pVM->tm.s.enmTSCMode != TMTSCMODE_REAL_TSC_OFFSET
            && pVM->tm.s.cTSCTicksPerSecond >= _4G)
        {
            pVM->tm.s.cTSCTicksPerSecond = _4G - 1;
            pVM->tm.s.enmTSCMode = TMTSCMODE_VIRT_TSC_EMULATED;
        }
    }
    else if (RT_FAILURE(rc))
        return VMSetError(pVM, rc, RT_SRC_POS, N_("Configuration error: Failed to query uint64_t value \"TSCTicksPerSecond\""));
    else if (   pVM->tm.s.cTSCTicksPerSecond < _1M
             || pVM->tm.s.cTSCTicksPerSecond >= _4G)
        return VMSetError(pVM, VERR_INVALID_PARAMETER, RT_SRC_POS,
                          N_("Configuration error: \"TSCTicksPerSecond\" = %RU64 is outside 1MHz..4GHz-1"),
                          pVM->tm.s.cTSCTicksPerSecond);
    else
        pVM->tm.s.enmTSCMode = TMTSCMODE_VIRT_TSC_EMULATED; /* a made-up frequency needs emulation */

    rc = CFGMR3QueryBoolDef(pCfgHandle, "TSCTiedToExecution", &pVM->tm.s.fTSCTiedToExecution, false);
    if (RT_FAILURE(rc))
        return VMSetError(pVM, rc, RT_SRC_POS, N_("Configuration error: Failed to query bool value \"TSCTiedToExecution\""));
    if (pVM->tm.s.fTSCTiedToExecution)
        pVM->tm.s.enmTSCMode = TMTSCMODE_VIRT_TSC_EMULATED;

    rc = CFGMR3QueryBoolDef(pCfgHandle, "TSCNotTiedToHalt", &pVM->tm.s.fTSCNotTiedToHalt, false);
    if (RT_FAILURE(rc))
        return VMSetError(pVM, rc, RT_SRC_POS, N_("Configuration error: Failed to query bool value \"TSCNotTiedToHalt\""));

    /*
     * Saved state unit, then tell the user what we ended up with.
     */
    rc = SSMR3RegisterInternal(pVM, "tm", 1, TM_SAVED_STATE_VERSION, sizeof(uint64_t) * 8, tmR3Save, tmR3Load);
    if (RT_FAILURE(rc))
        return rc;

    pVM->tm.s.enmOriginalTSCMode = pVM->tm.s.enmTSCMode;
    LogRel(("TM: cTSCTicksPerSecond=%'RU64 (%#RX64) enmTSCMode=%d (%s)\n",
            pVM->tm.s.cTSCTicksPerSecond, pVM->tm.s.cTSCTicksPerSecond, pVM->tm.s.enmTSCMode, tmR3GetTSCModeName(pVM)));
    LogRel(("TM: cTSCTicksPerSecondHost=%'RU64 (%#RX64)\n"
            "TM: TSCTiedToExecution=%RTbool TSCNotTiedToHalt=%RTbool\n",
            pVM->tm.s.cTSCTicksPerSecondHost, pVM->tm.s.cTSCTicksPerSecondHost,
            pVM->tm.s.fTSCTiedToExecution, pVM->tm.s.fTSCNotTiedToHalt));
    return VINF_SUCCESS;
}


/**
 * Works out the host TSC frequency.
 *
 * @returns Ticks per second.
 */
static uint64_t tmR3CalibrateTSC(void)
{
    uint64_t u64Hz;

    /* The GIP already has it; trust it when it looks sane. */
    PSUPGLOBALINFOPAGE pGip = g_pSUPGlobalInfoPage;
    if (pGip)
    {
        u64Hz = SUPGetCpuHzFromGip(pGip);
        if (u64Hz > _1M && u64Hz < _1T)
            return u64Hz;
    }

    /* No driver (or nonsense from it): count ticks across a short sleep. */
    uint64_t const uTscStart = ASMReadTSC();
    uint64_t const uNsStart  = RTTimeNanoTS();
    RTThreadSleep(100);
    uint64_t const cTicks    = ASMReadTSC() - uTscStart;
    uint64_t const cNsElapsed = RTTimeNanoTS() - uNsStart;
    u64Hz = ASMMultU64ByU32DivByU32(cTicks, RT_NS_1SEC, (uint32_t)cNsElapsed);
    return u64Hz;
}


/**
 * Saves the TM state.
 *
 * @returns VBox status code.
 * @param   pVM         The cross context VM structure.
 * @param   pSSM        The saved state handle.
 */
static DECLCALLBACK(int) tmR3Save(PVM pVM, PSSMHANDLE pSSM)
{
    LogFlow(("tmR3Save:\n"));
    SSMR3PutU64(pSSM, TMCLOCK_FREQ_VIRTUAL);
    SSMR3PutU64(pSSM, pVM->tm.s.u64Virtual);
    for (VMCPUID i = 0; i < pVM->cCpus; i++)
    {
        PVMCPU pVCpu = pVM->apCpusR3[i];
        SSMR3PutU64(pSSM, pVCpu->tm.s.u64TSC);
    }
    return SSMR3PutU64(pSSM, pVM->tm.s.cTSCTicksPerSecond);
}


/**
 * Loads the TM state.
 *
 * @returns VBox status code.
 * @param   pVM         The cross context VM structure.
 * @param   pSSM        The saved state handle.
 * @param   uVersion    The data unit version.
 * @param   uPass       The pass, only SSM_PASS_FINAL here.
 */
static DECLCALLBACK(int) tmR3Load(PVM pVM, PSSMHANDLE pSSM, uint32_t uVersion, uint32_t uPass)
{
    LogFlow(("tmR3Load:\n"));
    Assert(uPass == SSM_PASS_FINAL); RT_NOREF(uPass);
    if (uVersion != TM_SAVED_STATE_VERSION)
        return VERR_SSM_UNSUPPORTED_DATA_UNIT_VERSION;

    /* The virtual clock must tick at the rate this build uses. */
    uint64_t u64Hz;
    int rc = SSMR3GetU64(pSSM, &u64Hz);
    if (RT_FAILURE(rc))
        return rc;
    if (u64Hz != TMCLOCK_FREQ_VIRTUAL)
        return VERR_SSM_VIRTUAL_CLOCK_HZ;
    SSMR3GetU64(pSSM, &pVM->tm.s.u64Virtual);

    /* Per-VCPU TSC values; remember the largest as the pause point. */
    pVM->tm.s.cTSCsTicking     = 0;
    pVM->tm.s.u64LastPausedTSC = 0;
    for (VMCPUID i = 0; i < pVM->cCpus; i++)
    {
        PVMCPU pVCpu = pVM->apCpusR3[i];
        pVCpu->tm.s.fTSCTicking = false;
        SSMR3GetU64(pSSM, &pVCpu->tm.s.u64TSC);
        if (pVM->tm.s.u64LastPausedTSC < pVCpu->tm.s.u64TSC)
            pVM->tm.s.u64LastPausedTSC = pVCpu->tm.s.u64TSC;
    }

    /* The guest keeps the frequency it was saved with, unless it sees the host TSC. */
    rc = SSMR3GetU64(pSSM, &u64Hz);
    if (RT_FAILURE(rc))
        return rc;
    if (pVM->tm.s.enmTSCMode != TMTSCMODE_REAL_TSC_OFFSET)
        pVM->tm.s.cTSCTicksPerSecond = u64Hz;

    LogRel(("TM: cTSCTicksPerSecond=%'RU64 (%#RX64) enmTSCMode=%d (%s) (state load)\n",
            pVM->tm.s.cTSCTicksPerSecond, pVM->tm.s.cTSCTicksPerSecond, pVM->tm.s.enmTSCMode, tmR3GetTSCModeName(pVM)));
    return VINF_SUCCESS;
}


/**
 * Gets the display name of the current TSC mode.
 *
 * @returns Read-only string.
 * @param   pVM         The cross context VM structure.
 */
static const char *tmR3GetTSCModeName(PVM pVM)
{
    switch (pVM->tm.s.enmTSCMode)
    {
        case TMTSCMODE_VIRT_TSC_EMULATED:   return "VirtTscEmulated";
        case TMTSCMODE_REAL_TSC_OFFSET:     return "RealTscOffset";
        case TMTSCMODE_DYNAMIC:             return "Dynamic";
        case TMTSCMODE_NATIVE_API:          return "NativeApi";
        default:                            return "???";
    }
}
