/* Macro'd definitions: every function found with its name, parameters and return type. */
typedef struct TMCPU { uint64_t u64Hz; } TMCPU;
typedef TMCPU *PTMCPU;

VMMR3DECL(uint64_t) tmR3Calibrate(PTMCPU pTm)
{
    uint64_t uHz = pTm->u64Hz;
    return uHz;
}

VMMDECL(VBOXSTRICTRC) tmGetRate(PTMCPU pTm)
{
    return tmR3Calibrate(pTm);
}

FNIEMOP_DEF_1(iemOp_rate, uint8_t, bRm)
{
    uint64_t uOpRate = tmGetRate(g_pTm);
    return uOpRate + bRm;
}

PGM_BTH_DECL(int, SyncPage)(PTMCPU pTm, uint64_t uValue)
{
    pTm->u64Hz = uValue;
    return 0;
}

IEM_CIMPL_DEF_1(iemCImpl_setrate, uint64_t, uNewRate)
{
    return PGM_BTH_NAME(SyncPage)(g_pTm, uNewRate);
}

// flow here: TMCPU.u64Hz -> tmR3Calibrate()
// flow here: tmR3Calibrate() -> tmGetRate()
// flow here: tmGetRate() -> iemOp_rate:uOpRate
// flow here: iemCImpl_setrate#2 (uNewRate) -> TMCPU.u64Hz
// flow here: iemOp_rate#1 (bRm) -> iemOp_rate()
// no flow here: iemOp_rate:uOpRate -> TMCPU.u64Hz
