/* $Id: GIMHv.cpp $ */
/** @file
 * GIM - Guest Interface Manager, Hyper-V provider (srcscan sample tree).
 *
 * Windows guests read the TSC frequency from a synthetic MSR and keep
 * time with the reference TSC page, whose scale is derived from the same
 * frequency.
 */


/*********************************************************************************************************************************
*   Header Files                                                                                                                 *
*********************************************************************************************************************************/
#define LOG_GROUP LOG_GROUP_GIM
#include <VBox/vmm/tm.h>
#include <VBox/vmm/pgm.h>
#include "GIMInternal.h"
#include <VBox/vmm/vm.h>
#include <VBox/err.h>
#include <VBox/log.h>
#include <iprt/assert.h>


/** The local APIC timer frequency we advertise (Hz). */
#define GIM_HV_APIC_TIMER_HZ            UINT64_C(1000000000)


/**
 * Sets up the Hyper-V provider.
 *
 * @returns VBox status code.
 * @param   pVM     The cross context VM structure.
 */
VMMR3_INT_DECL(int) gimR3HvInit(PVM pVM)
{
    PGIM   pGim = &pVM->gim.s;
    PGIMHV pHv  = &pGim->u.Hv;

    pGim->u32Version         = 1;
    pHv->uBaseFeat           = 0x2f7; /* time ref count, TSC page, frequency MSRs, ... */
    pHv->cApicTicksPerSecond = GIM_HV_APIC_TIMER_HZ;
    LogRel(("GIM: HyperV: Base features %#RX32\n", pHv->uBaseFeat));
    return VINF_SUCCESS;
}


/**
 * Finishes Hyper-V setup once TM knows the TSC frequency.
 *
 * @returns VBox status code.
 * @param   pVM     The cross context VM structure.
 */
VMMR3_INT_DECL(int) gimR3HvInitCompleted(PVM pVM)
{
    PGIMHV pHv = &pVM->gim.s.u.Hv;
    pHv->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM);
    return VINF_SUCCESS;
}


/**
 * Fills in and maps the reference TSC page.
 *
 * @returns VBox status code.
 * @param   pVM             The cross context VM structure.
 * @param   GCPhysTscPage   Guest physical address of the page.
 * @param   fUseThisTscSeq  Whether to continue from uTscSeq (state load).
 * @param   uTscSeq         The previous sequence number.
 */
VMMR3_INT_DECL(int) gimR3HvEnableTscPage(PVM pVM, RTGCPHYS GCPhysTscPage, bool fUseThisTscSeq, uint32_t uTscSeq)
{
    PGIMHV pHv = &pVM->gim.s.u.Hv;

    /* The page counts in 100 ns units, i.e. at 10 MHz. */
    uint64_t const u64TscKHz = pHv->cTscTicksPerSecond / UINT64_C(1000);
    AssertReturn(u64TscKHz > 0, VERR_GIM_OPERATION_FAILED);

    GIMHVREFTSC RefTsc;
    RT_ZERO(RefTsc);
    RefTsc.u32TscSequence = fUseThisTscSeq && uTscSeq < UINT32_C(0xfffffffe) ? uTscSeq + 1 : 1;
    RefTsc.u64TscScale    = ((UINT64_C(10000) << 32) / u64TscKHz) << 32;
    RefTsc.i64TscOffset   = 0;

    int rc = PGMPhysSimpleWriteGCPhys(pVM, GCPhysTscPage, &RefTsc, sizeof(RefTsc));
    if (RT_SUCCESS(rc))
    {
        LogRel(("GIM: HyperV: Enabled TSC page at %#RGp - u64TscScale=%#RX64 u64TscKHz=%#RX64 (%'RU64) Seq=%#RU32\n",
                GCPhysTscPage, RefTsc.u64TscScale, u64TscKHz, u64TscKHz, RefTsc.u32TscSequence));
        pHv->u64TscPageMsr = GCPhysTscPage | MSR_GIM_HV_REF_TSC_ENABLE_BIT;
        TMR3CpuTickParavirtEnable(pVM);
    }
    else
        LogRel(("GIM: HyperV: Failed to write TSC page at %#RGp. rc=%Rrc\n", GCPhysTscPage, rc));
    return rc;
}


/**
 * MSR read handler for the Hyper-V timing MSRs.
 *
 * @returns VBox status code, VERR_CPUM_RAISE_GP_0 for MSRs we do not know.
 * @param   pVCpu       The cross context virtual CPU structure.
 * @param   idMsr       The MSR being read.
 * @param   puValue     Where to store the value.
 */
DECLCALLBACK(int) gimR3HvReadMsr(PVMCPU pVCpu, uint32_t idMsr, uint64_t *puValue)
{
    PVM    pVM = pVCpu->pVMR3;
    PGIMHV pHv = &pVM->gim.s.u.Hv;

    switch (idMsr)
    {
        case MSR_GIM_HV_TSC_FREQ:
            *puValue = pHv->cTscTicksPerSecond;
            return VINF_SUCCESS;

        case MSR_GIM_HV_APIC_FREQ:
            *puValue = pHv->cApicTicksPerSecond;
            return VINF_SUCCESS;

        case MSR_GIM_HV_TIME_REF_COUNT:
        {
            /* Guest TSC in 100 ns units. */
            uint64_t const cTicksPer100Ns = pHv->cTscTicksPerSecond / GIM_HV_REF_COUNT_HZ;
            *puValue = TMCpuTickGet(pVCpu) / cTicksPer100Ns;
            return VINF_SUCCESS;
        }

        case MSR_GIM_HV_REF_TSC:
            *puValue = pHv->u64TscPageMsr;
            return VINF_SUCCESS;

        default:
            return VERR_CPUM_RAISE_GP_0;
    }
}
