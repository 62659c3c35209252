// Region names for the codes the services carry (GB/T 2260 administrative division codes): an
// organization's region, a review step's region, a report's region. People read the place, never
// the six digits. Henan (the province this deployment serves) by city; other provinces by name.
import { t } from './i18n'

/** Province-level divisions, by their first two digits. */
const provinces: Record<string, [string, string]> = {
  '11': ['北京市', 'Beijing'],
  '12': ['天津市', 'Tianjin'],
  '13': ['河北省', 'Hebei'],
  '14': ['山西省', 'Shanxi'],
  '15': ['内蒙古自治区', 'Inner Mongolia'],
  '21': ['辽宁省', 'Liaoning'],
  '22': ['吉林省', 'Jilin'],
  '23': ['黑龙江省', 'Heilongjiang'],
  '31': ['上海市', 'Shanghai'],
  '32': ['江苏省', 'Jiangsu'],
  '33': ['浙江省', 'Zhejiang'],
  '34': ['安徽省', 'Anhui'],
  '35': ['福建省', 'Fujian'],
  '36': ['江西省', 'Jiangxi'],
  '37': ['山东省', 'Shandong'],
  '41': ['河南省', 'Henan'],
  '42': ['湖北省', 'Hubei'],
  '43': ['湖南省', 'Hunan'],
  '44': ['广东省', 'Guangdong'],
  '45': ['广西壮族自治区', 'Guangxi'],
  '46': ['海南省', 'Hainan'],
  '50': ['重庆市', 'Chongqing'],
  '51': ['四川省', 'Sichuan'],
  '52': ['贵州省', 'Guizhou'],
  '53': ['云南省', 'Yunnan'],
  '54': ['西藏自治区', 'Tibet'],
  '61': ['陕西省', 'Shaanxi'],
  '62': ['甘肃省', 'Gansu'],
  '63': ['青海省', 'Qinghai'],
  '64': ['宁夏回族自治区', 'Ningxia'],
  '65': ['新疆维吾尔自治区', 'Xinjiang'],
}

/**
 * Henan's 17 prefecture-level cities (410100 … 411700) and Jiyuan (419001, a county-level city
 * governed by the province), by their first four digits.
 */
const henanCities: Record<string, [string, string]> = {
  '4101': ['郑州市', 'Zhengzhou'],
  '4102': ['开封市', 'Kaifeng'],
  '4103': ['洛阳市', 'Luoyang'],
  '4104': ['平顶山市', 'Pingdingshan'],
  '4105': ['安阳市', 'Anyang'],
  '4106': ['鹤壁市', 'Hebi'],
  '4107': ['新乡市', 'Xinxiang'],
  '4108': ['焦作市', 'Jiaozuo'],
  '4109': ['濮阳市', 'Puyang'],
  '4110': ['许昌市', 'Xuchang'],
  '4111': ['漯河市', 'Luohe'],
  '4112': ['三门峡市', 'Sanmenxia'],
  '4113': ['南阳市', 'Nanyang'],
  '4114': ['商丘市', 'Shangqiu'],
  '4115': ['信阳市', 'Xinyang'],
  '4116': ['周口市', 'Zhoukou'],
  '4117': ['驻马店市', 'Zhumadian'],
  '4190': ['济源市', 'Jiyuan'],
}

/**
 * The place a region code names, in the page's language: 410000 → 河南省 / Henan, 410100 → 郑州市
 * / Zhengzhou, 419001 → 济源市 / Jiyuan. A county of a Henan city is named by its city with the
 * code beside it (郑州市 410102), as the county names are not kept here; an unknown code is
 * shown as it is.
 */
export function regionName(code: string): string {
  if (!/^\d{6}$/.test(code)) return code
  const province = provinces[code.slice(0, 2)]
  if (code.slice(2) === '0000') return province ? t(...province) : code
  const city = henanCities[code.slice(0, 4)]
  if (!city) return province ? `${t(...province)} ${code}` : code
  const whole = code.slice(4) === '00' || code === '419001'
  return whole ? t(...city) : `${t(...city)} ${code}`
}

/** Who reviews a step named by its region: the recognition centers of that place. */
export function regionCenters(code: string): string {
  return t(`${regionName(code)}学分认证中心`, `the recognition center of ${regionName(code)}`)
}
