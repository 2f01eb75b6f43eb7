/* Sample tree (written for srcscan's tests and tutorial; not VirtualBox code): the Main side
   of a setting: the machine keeps it, the getter hands it out. */
typedef unsigned int ULONG;
typedef int HRESULT;

struct HWDataMini
{
    ULONG mSectorSize;
};

class MachineMini
{
public:
    HRESULT getSectorSize(ULONG *aSectorSize);
    HRESULT setSectorSize(ULONG aSectorSize);
    HWDataMini *mHWData;
};

HRESULT MachineMini::getSectorSize(ULONG *aSectorSize)
{
    *aSectorSize = mHWData->mSectorSize;
    return 0;
}

HRESULT MachineMini::setSectorSize(ULONG aSectorSize)
{
    mHWData->mSectorSize = aSectorSize;
    return 0;
}
