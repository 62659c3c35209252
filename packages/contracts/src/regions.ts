// Region names for GB/T 2260 administrative division codes, in Chinese and English: the pages
// name places with them, and so do the files services write (an oversight table in Excel). One
// table for both, so a city is spelled the same on the screen and in the download. No imports:
// the pages' bundle takes this file alone (`@creditbank/contracts/regions`).

/** [Chinese, English] */
export type Words = readonly [string, string]

/** Province-level divisions, by their first two digits. */
export const PROVINCES: Record<string, Words> = {
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
export const HENAN_CITIES: Record<string, Words> = {
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
