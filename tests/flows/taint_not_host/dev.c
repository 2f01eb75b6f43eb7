/* Taint leaves out findings in files that do not run on the host ([taint] not_host: testcases,
   guest firmware); the same copy in a device file is a finding. */
static int devOut(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    memcpy(pvUser, pDevIns, u32); // taint: unchecked
    return tstCopy(pvUser, u32);
}

int devConstruct(void *pDevIns)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOut, 0, 0, "a", 0, 0);
    return 0;
}

// flow here: devOut#3 (u32) -> tstCopy#1
