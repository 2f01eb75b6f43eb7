/* The helper of dev.c: its allocation size is the guest value. */
void *g_pvBuf;
void *g_pvBuf2;

int utilAlloc(unsigned cbReq)
{
    g_pvBuf = RTMemAlloc(cbReq); // taint: unchecked
    return 0;
}

int utilAlloc2(unsigned cbReq2)
{
    g_pvBuf2 = RTMemAllocZ(cbReq2); // taint: checked (early exit)
    return 0;
}

// flow here: utilAlloc#0 -> alloc-size:RTMemAlloc
