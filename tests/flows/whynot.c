/* Why-not answers: where a flow stops and why. */
#define DO_SCALE(a_u) ((a_u) * 2)
typedef struct GIMA { uint64_t uFreq; } GIMA;
typedef struct GIMB { uint64_t uFreq; uint64_t uOut; } GIMB;
typedef struct OPS { DECLCALLBACKMEMBER(void, pfnSet, (uint64_t u)); } OPS;

void gimSetExternal(uint64_t uHz)
{
    RTExternalSetFrequency(uHz);
}

uint64_t gimFromExternal(void)
{
    uint64_t uGot = 0;
    RTExternalGetFrequency(&uGot);
    return uGot;
}

void gimSetMacro(uint64_t uHz2)
{
    DO_SCALE(uHz2);
}

void gimStoreAmbiguous(void *pv, uint64_t uHz3)
{
    pUnknown->uFreq = uHz3;
}

void gimReadAmbiguous(GIMB *pB)
{
    pB->uOut = pB->uFreq;
}

void gimCallIndirect(OPS *pOps, uint64_t uHz4)
{
    pOps->pfnSet(uHz4);
}

// why-not: gimSetExternal#0 (uHz) -> gimFromExternal() : external-function
// why-not: gimSetMacro#0 (uHz2) -> gimFromExternal() : macro-hidden
// why-not: gimStoreAmbiguous#1 (uHz3) -> GIMB.uOut : ambiguous-field
// why-not: gimCallIndirect#1 (uHz4) -> gimFromExternal() : indirect-call
// known miss: gimSetExternal#0 (uHz) -> gimFromExternal() (values through external functions are not modelled)

/* a value that goes on through an unknown function's result (a guess), and a parameter
   nothing passes a value to */
uint64_t g_uMixOut, g_uNoCaller, g_uNcOther;

void gimThrough(uint64_t uHz5)
{
    g_uMixOut = RTExternalMix(uHz5);
}

void neverCalled(uint64_t uNc)
{
    g_uNoCaller = uNc;
}

void ncSource(uint64_t uS)
{
    g_uNcOther = uS;
}

// why-not: gimThrough#0 (uHz5) -> gimFromExternal() : external-function ~ its result is a guess
// why-not: ncSource#0 (uS) -> g_uNoCaller : no-caller

/* a reason far from the break (more than four steps from the gap) is left out */
uint64_t g_uF1, g_uF2, g_uF3, g_uF4, g_uF5, g_uF6, g_uT;

void farStart(uint64_t uF)
{
    ExtFarLog(uF);
    g_uF1 = uF;
}

void farMid(void)
{
    g_uF2 = g_uF1 + 1;
    g_uF3 = g_uF2 + 1;
    g_uF4 = g_uF3 + 1;
    g_uF5 = g_uF4 + 1;
    g_uF6 = g_uF5 + 1;
}

void farJoin(void)
{
    g_uF6 = g_uT;
}

uint64_t farTarget(void)
{
    return g_uT;
}

// why-not: farStart#0 (uF) -> farTarget() : !external-function ~ ExtFarLog
