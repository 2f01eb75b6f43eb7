/* A method outside the sources (only declared) writes through a C++ reference argument: the
   settings reader's getAttributeValue(name, T &out) (queries/models/settings.toml) gives each
   member the attribute it names. The attribute's key is the constant first argument. */
typedef unsigned int uint32_t;
namespace xml {
class ElementNode
{
public:
    bool getAttributeValue(const char *pcszMatch, uint32_t *pu, const char *pcszNamespace = 0) const;
    bool getAttributeValue(const char *pcszMatch, uint32_t &i, const char *pcszNamespace = 0) const
    {
        return getAttributeValue(pcszMatch, &i, pcszNamespace);
    }
};
}

struct Hardware { uint32_t ulCpuExecutionCap; uint32_t cCPUs; uint32_t uOther; };

void readHardware(const xml::ElementNode *pelmHwChild, Hardware &hw, uint32_t uDefault)
{
    pelmHwChild->getAttributeValue("executionCap", hw.ulCpuExecutionCap);
    pelmHwChild->getAttributeValue("count", hw.cCPUs);
    hw.uOther = uDefault;
}

// flow here: settings-file:executionCap -> Hardware.ulCpuExecutionCap
// flow here: Hardware.ulCpuExecutionCap <- settings-file:executionCap
// no flow here: settings-file:executionCap -> Hardware.cCPUs
// flow here: settings-file:count -> Hardware.cCPUs
// no flow here: settings-file:count -> Hardware.uOther
