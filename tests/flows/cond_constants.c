/* A conditional whose branches are both constants (f ? 1 : 0) is the condition's value spelled
   as a number: the condition flows into it. A conditional choosing between values takes them,
   not its condition. */
typedef unsigned int uint32_t;
typedef struct CFGSTATE { uint32_t fCable; uint32_t uSpeed; } CFGSTATE;

void configure(CFGSTATE *pThis, int fConnected, int fFast, uint32_t uHigh, uint32_t uLow)
{
    pThis->fCable = fConnected ? 1 : 0;
    pThis->uSpeed = fFast ? uHigh : uLow;
}

// flow here: configure#1 (fConnected) -> CFGSTATE.fCable
// flow here: configure#3 (uHigh) -> CFGSTATE.uSpeed
// no flow here: configure#2 (fFast) -> CFGSTATE.uSpeed
// no flow here: configure#1 (fConnected) -> CFGSTATE.uSpeed
