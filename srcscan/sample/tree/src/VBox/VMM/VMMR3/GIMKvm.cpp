/* $Id: GIMKvm.cpp $ */
/** @file
 * GIM - Guest Interface Manager, KVM provider (srcscan sample tree).
 *
 * Linux guests that detect KVM use its paravirtualized clock (kvm-clock):
 * they never calibrate the TSC themselves but convert TSC readings with the
 * scale and shift we put into the per-VCPU system-time struct.  So whatever
 * TM thinks the TSC frequency is becomes the guest's idea of a second.
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
#include <iprt/asm-math.h>
#include <iprt/time.h>


/**
 * Sets up the KVM provider.
 *
 * @returns VBox status code.
 * @param   pVM     The cross context VM structure.
 */
VMMR3_INT_DECL(int) gimR3KvmInit(PVM pVM)
{
    PGIM    pGim = &pVM->gim.s;
    PGIMKVM pKvm = &pGim->u.Kvm;

    pGim->u32Version  = 1;
    pKvm->uBaseFeat   = GIM_KVM_BASE_FEAT_CLOCK2;
    pKvm->fTrapXcptUD = false;
    LogRel(("GIM: KVM: Base features %#RX32\n", pKvm->uBaseFeat));
    return VINF_SUCCESS;
}


/**
 * Finishes KVM setup once TM knows the TSC frequency.
 *
 * @returns VBox status code.
 * @param   pVM     The cross context VM structure.
 */
VMMR3_INT_DECL(int) gimR3KvmInitCompleted(PVM pVM)
{
    PGIMKVM pKvm = &pVM->gim.s.u.Kvm;
    pKvm->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM);

    /* Only promise a stable TSC when TM can keep that promise. */
    if (TMR3CpuTickIsFixedRateMonotonic(pVM, true /* fWithParavirtEnabled */))
        pKvm->uBaseFeat |= GIM_KVM_BASE_FEAT_TSC_STABLE;
    return VINF_SUCCESS;
}


/**
 * Writes the system-time struct of a VCPU into guest memory.
 *
 * @returns VBox status code.
 * @param   pVM     The cross context VM structure.
 * @param   pVCpu   The cross context virtual CPU structure.
 */
static int gimR3KvmUpdateSystemTime(PVM pVM, PVMCPU pVCpu)
{
    PGIMKVM    pKvm    = &pVM->gim.s.u.Kvm;
    PGIMKVMCPU pKvmCpu = &pVCpu->gim.s.u.KvmCpu;

    if (!PGMPhysIsGCPhysNormal(pVM, pKvmCpu->GCPhysSystemTime))
    {
        LogRel(("GIM: KVM: VCPU%3d: System-time struct. address %#RGp is not in RAM\n",
                pVCpu->idCpu, pKvmCpu->GCPhysSystemTime));
        return VERR_GIM_OPERATION_FAILED;
    }

    /* The VCPU is parked in the MSR write, so one write with an even version will do. */
    GIMKVMSYSTEMTIME SystemTime;
    RT_ZERO(SystemTime);
    SystemTime.u32Version = pKvmCpu->u32SystemTimeVersion + 2;
    SystemTime.u64NanoTS  = pKvmCpu->uVirtNanoTS;
    SystemTime.u64Tsc     = pKvmCpu->uTsc;
    SystemTime.fFlags     = pKvmCpu->fSystemTimeFlags | GIM_KVM_SYSTEM_TIME_FLAGS_TSC_STABLE;

    /*
     * Pick i8TscShift so the shifted frequency lands in (1 GHz, 2 GHz], then
     * u32TscScale = 10^9 * 2^32 / shifted frequency: the guest multiplies the
     * shifted TSC delta by it and drops the low 32 bits to get nanoseconds.
     */
    uint64_t u64TscFreq   = pKvm->cTscTicksPerSecond;
    SystemTime.i8TscShift = 0;
    while (u64TscFreq > 2 * RT_NS_1SEC_64)
    {
        u64TscFreq >>= 1;
        SystemTime.i8TscShift--;
    }
    uint32_t uTscFreqLo = (uint32_t)u64TscFreq;
    while (uTscFreqLo <= RT_NS_1SEC)
    {
        uTscFreqLo <<= 1;
        SystemTime.i8TscShift++;
    }
    SystemTime.u32TscScale = ASMDivU64ByU32RetU32(RT_NS_1SEC_64 << 32, uTscFreqLo);

    int rc = PGMPhysSimpleWriteGCPhys(pVM, pKvmCpu->GCPhysSystemTime, &SystemTime, sizeof(GIMKVMSYSTEMTIME));
    if (RT_SUCCESS(rc))
    {
        LogRel(("GIM: KVM: VCPU%3d: Enabled system-time struct. at %#RGp - u32TscScale=%#RX32 i8TscShift=%d uVersion=%#RU32 "
                "fFlags=%#x uTsc=%#RX64 uVirtNanoTS=%#RX64\n", pVCpu->idCpu, pKvmCpu->GCPhysSystemTime,
                SystemTime.u32TscScale, SystemTime.i8TscShift, SystemTime.u32Version, SystemTime.fFlags,
                pKvmCpu->uTsc, pKvmCpu->uVirtNanoTS));
        pKvmCpu->u32SystemTimeVersion = SystemTime.u32Version;
        TMR3CpuTickParavirtEnable(pVM);
    }
    else
        LogRel(("GIM: KVM: VCPU%3d: Failed to write system-time struct. at %#RGp. rc=%Rrc\n",
                pVCpu->idCpu, pKvmCpu->GCPhysSystemTime, rc));
    return rc;
}


/**
 * Handles the guest enabling kvm-clock on a VCPU.
 *
 * @returns VBox status code.
 * @param   pVM             The cross context VM structure.
 * @param   pVCpu           The cross context virtual CPU structure.
 * @param   uMsrSystemTime  The value written to the system-time MSR.
 */
VMMR3_INT_DECL(int) gimR3KvmEnableSystemTime(PVM pVM, PVMCPU pVCpu, uint64_t uMsrSystemTime)
{
    PGIMKVM    pKvm    = &pVM->gim.s.u.Kvm;
    PGIMKVMCPU pKvmCpu = &pVCpu->gim.s.u.KvmCpu;

    /* Anchor the guest clock: this TSC value corresponds to this many nanoseconds. */
    pKvmCpu->uTsc             = TMCpuTickGetNoCheck(pVCpu);
    pKvmCpu->uVirtNanoTS      = ASMMultU64ByU32DivByU32(pKvmCpu->uTsc, RT_NS_1SEC, pKvm->cTscTicksPerSecond);
    pKvmCpu->u64SystemTimeMsr = uMsrSystemTime;
    pKvmCpu->GCPhysSystemTime = MSR_GIM_KVM_SYSTEM_TIME_GUEST_GPA(uMsrSystemTime);

    int rc = gimR3KvmUpdateSystemTime(pVM, pVCpu);
    if (RT_FAILURE(rc))
        pKvmCpu->u64SystemTimeMsr = 0;
    return rc;
}


/**
 * Fills in the guest's wall-clock struct with the current UTC time.
 *
 * @returns VBox status code.
 * @param   pVM             The cross context VM structure.
 * @param   GCPhysWallClock Guest physical address of the struct.
 */
VMMR3_INT_DECL(int) gimR3KvmEnableWallClock(PVM pVM, RTGCPHYS GCPhysWallClock)
{
    uint32_t uVersion;
    int rc = PGMPhysSimpleReadGCPhys(pVM, &uVersion, GCPhysWallClock, sizeof(uVersion));
    if (RT_FAILURE(rc))
    {
        LogRel(("GIM: KVM: Failed to read wall-clock struct. version at %#RGp. rc=%Rrc\n", GCPhysWallClock, rc));
        return rc;
    }
    uVersion = (uVersion | 1) + 1;      /* next even value */

    RTTIMESPEC TimeSpec;
    int32_t    iSec;
    int32_t    iNano;
    TMR3UtcNow(pVM, &TimeSpec);
    RTTimeSpecGetSecondsAndNano(&TimeSpec, &iSec, &iNano);

    GIMKVMWALLCLOCK WallClock;
    RT_ZERO(WallClock);
    WallClock.u32Version = uVersion;
    WallClock.u32Sec     = (uint32_t)iSec;
    WallClock.u32Nano    = (uint32_t)iNano;

    rc = PGMPhysSimpleWriteGCPhys(pVM, GCPhysWallClock, &WallClock, sizeof(GIMKVMWALLCLOCK));
    if (RT_SUCCESS(rc))
        LogRel(("GIM: KVM: Enabled wall-clock struct. at %#RGp - u32Sec=%u u32Nano=%u uVersion=%#RU32\n", GCPhysWallClock,
                WallClock.u32Sec, WallClock.u32Nano, WallClock.u32Version));
    else
        LogRel(("GIM: KVM: Failed to write wall-clock struct. at %#RGp. rc=%Rrc\n", GCPhysWallClock, rc));
    return rc;
}


/**
 * MSR write handler for the KVM clock MSRs.
 *
 * @returns VBox status code, VERR_CPUM_RAISE_GP_0 for MSRs we do not know.
 * @param   pVCpu       The cross context virtual CPU structure.
 * @param   idMsr       The MSR being written.
 * @param   uRawValue   The value the guest wrote.
 */
DECLCALLBACK(int) gimR3KvmWriteMsr(PVMCPU pVCpu, uint32_t idMsr, uint64_t uRawValue)
{
    PVM     pVM  = pVCpu->pVMR3;
    PGIMKVM pKvm = &pVM->gim.s.u.Kvm;

    switch (idMsr)
    {
        case MSR_GIM_KVM_SYSTEM_TIME:
            if (!MSR_GIM_KVM_SYSTEM_TIME_IS_ENABLED(uRawValue))
            {
                /* The guest switched kvm-clock off on this VCPU. */
                pVCpu->gim.s.u.KvmCpu.u64SystemTimeMsr = uRawValue;
                TMR3CpuTickParavirtDisable(pVM);
                return VINF_SUCCESS;
            }
            return gimR3KvmEnableSystemTime(pVM, pVCpu, uRawValue);

        case MSR_GIM_KVM_WALL_CLOCK:
            pKvm->u64WallClockMsr = uRawValue;
            return gimR3KvmEnableWallClock(pVM, MSR_GIM_KVM_WALL_CLOCK_GUEST_GPA(uRawValue));

        default:
            return VERR_CPUM_RAISE_GP_0;
    }
}
