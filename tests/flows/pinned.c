/* Behaviours the example reports (reports/) used to be the only check of: regenerating the
   reports after an engine change must not be able to hide a regression of any of them. */
typedef unsigned long long uint64_t;
typedef struct DEVX *PDEVX;
uint64_t g_uOuterOut, g_uHandleOut, g_uSwitchOut, g_uCondOut, g_uCondX;
uint64_t extQuery(PDEVX pDev, uint64_t uVal);

/* control dependence on outer conditions, not only the innermost one */
void outerCond(uint64_t uOuter, uint64_t uInner)
{
    uint64_t r = 0;
    if (uOuter > 1)
    {
        if (uInner > 2)
            r = 7;
    }
    g_uOuterOut = r;
}

// flow here: outerCond#0 (uOuter) -> outerCond:r
// flow here: outerCond#1 (uInner) -> outerCond:r
// no flow here [--no-control]: outerCond#0 (uOuter) -> outerCond:r
// (a control step stops at the data written under the condition: r, not g_uOuterOut; --control-tail N goes on)

/* evidence line numbers: each edge points at the line that makes it */
void evidenceLines(uint64_t uA)
{
    uint64_t uB = uA * 2; // @line-b
    g_uCondX = uB;        // @line-out
}

// evidence: evidenceLines#0 (uA) -> evidenceLines:uB : line-b
// evidence: evidenceLines:uB -> g_uCondX : line-out

/* a pointer argument to an unknown function is a handle: it does not flow to the result */
void handleArg(uint64_t uVal, PDEVX pDev)
{
    g_uHandleOut = extQuery(pDev, uVal);
}

// flow here: handleArg#0 (uVal) -> g_uHandleOut
// no flow here: handleArg#1 (pDev) -> g_uHandleOut

/* switch: the cases are control dependent on the switched value */
void switchCtl(uint64_t uMode)
{
    uint64_t r = 0;
    switch (uMode)
    {
        case 1:
            r = 10;
            break;
        default:
            r = 20;
            break;
    }
    g_uSwitchOut = r;
}

// flow here: switchCtl#0 (uMode) -> switchCtl:r
// no flow here [--no-control]: switchCtl#0 (uMode) -> switchCtl:r

/* an assignment inside an if condition runs whatever the condition: not guarded by it */
void condFact(uint64_t uA, uint64_t uB)
{
    uint64_t x;
    if ((x = uA) > uB)
        g_uCondOut = 1;
    g_uCondX = x;
}

// flow here: condFact#0 (uA) -> condFact:x
// no flow here: condFact#1 (uB) -> condFact:x
// flow here: condFact#1 (uB) -> g_uCondOut

/* #ifndef, and the #else of a condition that is not a plain defined() */
typedef struct PPX { uint64_t uNdef; uint64_t uDef; uint64_t uLt; uint64_t uGe; } PPX;
extern PPX g_Ppx;

uint64_t ppIfndef(void)
{
    uint64_t r;
#ifndef VBOX_WITH_PPX
    r = g_Ppx.uNdef;
#else
    r = g_Ppx.uDef;
#endif
    return r;
}

uint64_t ppElse(void)
{
    uint64_t r;
#if VBOX_PPX_LEVEL < 3
    r = g_Ppx.uLt;
#else
    r = g_Ppx.uGe;
#endif
    return r;
}

// flow here [-U VBOX_WITH_PPX]: PPX.uNdef -> ppIfndef()
// no flow here [-U VBOX_WITH_PPX]: PPX.uDef -> ppIfndef()
// no flow here [-D VBOX_WITH_PPX]: PPX.uNdef -> ppIfndef()
// flow here [-D VBOX_PPX_LEVEL=4]: PPX.uGe -> ppElse()
// no flow here [-D VBOX_PPX_LEVEL=4]: PPX.uLt -> ppElse()
// no flow here [-D VBOX_PPX_LEVEL=2]: PPX.uGe -> ppElse()

/* a pointer set under a condition is plumbing, not a value computed from the condition */
typedef struct LOCKX *PLOCKX;
PLOCKX g_pLockX;

void lockUnder(uint64_t uHz, PLOCKX pLock)
{
    PLOCKX p = 0;
    if (uHz > 10)
        p = pLock;
    g_pLockX = p;
}

// no flow here: lockUnder#0 (uHz) -> g_pLockX
