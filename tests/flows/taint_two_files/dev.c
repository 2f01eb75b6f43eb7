/* Taint across two files: the port handlers in this file pass the guest value to helpers in
   util.c, which allocate with it. A sink inside a helper that takes the value as a parameter is
   reported at each call of the helper (sink.via names the allocation in util.c): the unchecked
   call and the checked calls of one helper are findings of their own. */
int utilAlloc(unsigned cbReq);

static int devOutFar(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    return utilAlloc(u32); // taint: unchecked
}

static int devOutFarChecked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    if (u32 > 4096)
        return -1;
    return utilAlloc2(u32); // taint: checked (early exit)
}

static int devOutNearChecked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    if (u32 > 4096)
        return -1;
    return utilAlloc(u32); // taint: checked (early exit)
}

int devConstruct(void *pDevIns)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutFar, 0, 0, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutFarChecked, 0, 0, "b", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutNearChecked, 0, 0, "c", 0, 0);
    return 0;
}

// flow here: devOutFar#3 (u32) -> alloc-size:RTMemAlloc
