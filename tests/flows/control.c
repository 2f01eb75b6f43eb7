/* Control dependence: a value assigned under a condition that reads the traced value. */
typedef struct KVMTIME { int8_t i8TscShift; uint32_t u32TscScale; } KVMTIME;

void kvmUpdate(uint64_t u64TscFreq, KVMTIME *pTime)
{
    int8_t i8Shift = 0;
    uint64_t u64Freq = u64TscFreq;
    while (u64Freq > UINT32_MAX)
    {
        u64Freq >>= 1;
        i8Shift--;
    }
    pTime->i8TscShift = i8Shift;
    pTime->u32TscScale = (uint32_t)u64Freq;
}

// flow here: kvmUpdate#0 (u64TscFreq) -> KVMTIME.u32TscScale
// flow here: kvmUpdate#0 (u64TscFreq) -> kvmUpdate:i8Shift
// no flow here [--no-control]: kvmUpdate#0 (u64TscFreq) -> kvmUpdate:i8Shift
// (a control step reaches the data written under the condition and stops there: the shift
// stored after the loop is one data step further, shown with trace --control-tail 1)
// no flow here: kvmUpdate#0 (u64TscFreq) -> KVMTIME.i8TscShift

/* After a control edge, a path stops at the data written under the condition (slicing.CONTROL_TAIL
   = 0; trace --control-tail N lets it go N data steps on), never through a second control
   edge: implicit flows fan out into unrelated data. */
uint64_t kvmChain(uint64_t u64TscFreq)
{
    int fBig = 0;
    uint64_t e = 0;
    if (u64TscFreq > 1000)
        fBig = 1;
    uint64_t a = fBig;
    uint64_t b = a + 1;
    uint64_t c = b * 2;
    uint64_t d = c - 1;
    if (fBig)
        e = 5;
    return d + e;
}

// flow here: kvmChain#0 (u64TscFreq) -> kvmChain:fBig
// no flow here: kvmChain#0 (u64TscFreq) -> kvmChain:a
// no flow here: kvmChain#0 (u64TscFreq) -> kvmChain:d
// no flow here: kvmChain#0 (u64TscFreq) -> kvmChain:e
// flow here: kvmChain:fBig -> kvmChain:e
