/* The helpers of dev.c: their allocation size is the guest value (reported at their calls). */
void *g_pvBuf;
void *g_pvBuf2;

int utilAlloc(unsigned cbReq)
{
    g_pvBuf = RTMemAlloc(cbReq);
    return 0;
}

int utilAlloc2(unsigned cbReq2)
{
    g_pvBuf2 = RTMemAllocZ(cbReq2);
    return 0;
}

// flow here: utilAlloc#0 -> alloc-size:RTMemAlloc
