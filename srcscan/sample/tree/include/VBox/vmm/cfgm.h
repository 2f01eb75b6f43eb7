/* $Id: cfgm.h $ */
/** @file
 * CFGM - Configuration Manager API (srcscan sample tree).
 *
 * The configuration is a tree of named nodes holding typed values.  Keys set
 * with "VBoxManage setextradata <vm> VBoxInternal/<path> <value>" land under
 * the same path here, e.g. VBoxInternal/TM/TSCTicksPerSecond becomes the
 * value "TSCTicksPerSecond" of node "/TM".
 */

#ifndef VBOX_INCLUDED_vmm_cfgm_h
#define VBOX_INCLUDED_vmm_cfgm_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

VMMR3DECL(PCFGMNODE)    CFGMR3GetRoot(PVM pVM);
VMMR3DECL(PCFGMNODE)    CFGMR3GetChild(PCFGMNODE pNode, const char *pszPath);
VMMR3DECL(int)          CFGMR3InsertNode(PCFGMNODE pNode, const char *pszName, PCFGMNODE *ppChild);
VMMR3DECL(bool)         CFGMR3Exists(PCFGMNODE pNode, const char *pszName);

/** @name Value queries
 * The plain variants return VERR_CFGM_VALUE_NOT_FOUND for a missing value
 * and leave the output untouched; the Def variants store the default instead.
 * @{ */
VMMR3DECL(int)          CFGMR3QueryU64(PCFGMNODE pNode, const char *pszName, uint64_t *pu64);
VMMR3DECL(int)          CFGMR3QueryU64Def(PCFGMNODE pNode, const char *pszName, uint64_t *pu64, uint64_t u64Def);
VMMR3DECL(int)          CFGMR3QueryU32Def(PCFGMNODE pNode, const char *pszName, uint32_t *pu32, uint32_t u32Def);
VMMR3DECL(int)          CFGMR3QueryBool(PCFGMNODE pNode, const char *pszName, bool *pf);
VMMR3DECL(int)          CFGMR3QueryBoolDef(PCFGMNODE pNode, const char *pszName, bool *pf, bool fDef);
VMMR3DECL(int)          CFGMR3QueryString(PCFGMNODE pNode, const char *pszName, char *pszString, size_t cchString);
/** @} */

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_vmm_cfgm_h */
