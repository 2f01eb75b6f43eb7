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
// flow here: kvmUpdate#0 (u64TscFreq) -> KVMTIME.i8TscShift
// no flow here [--no-control]: kvmUpdate#0 (u64TscFreq) -> KVMTIME.i8TscShift
