/* Taint across two files: the port handler in this file passes the guest value to a helper
   in util.c, which allocates with it unchecked; the checked twin bounds it first here. */
int utilAlloc(unsigned cbReq);

static int devOutFar(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    return utilAlloc(u32);
}

static int devOutFarChecked(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    if (u32 > 4096)
        return -1;
    return utilAlloc2(u32);
}

int devConstruct(void *pDevIns)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutFar, 0, 0, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutFarChecked, 0, 0, "b", 0, 0);
    return 0;
}

// flow here: devOutFar#3 (u32) -> alloc-size:RTMemAlloc
