/* Helpers defined in a header: every file that includes it calls the same definition. */
typedef struct DEVREGS { unsigned cbXfer; unsigned uLastValue; } DEVREGS;

static inline unsigned devHlpRound(unsigned cb)
{
    return (cb + 511) / 512;
}

DECLINLINE(void) devHlpLatch(DEVREGS *pRegs, unsigned uValue)
{
    pRegs->uLastValue = uValue;
}
