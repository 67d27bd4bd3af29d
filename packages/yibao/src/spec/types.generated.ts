// Generated from the transaction catalogue (src/spec) by src/spec/typegen.ts. Do not edit: `npm run gen:types`.

/* eslint-disable */

/** 【1101】人员信息获取 入参（face-one-code-pay.txt 6.1/6.2；HIS → 医保核心系统） */
export interface Txn1101Input {
  /**
   * 输入 对象 必填
   */
  data: Txn1101InputData;
}

/** 输入 */
export interface Txn1101InputData {
  /**
   * 就诊凭证类型 字符型 3 可选
   * 字典 mdtrt_cert_type（就诊凭证类型）：00 无就诊介质；01 电子凭证；02 居民身份证；03 社会保障卡；04 健康卡；05 住院号；06 临时卡；10 机构病人ID
   */
  mdtrt_cert_type?: '00' | '01' | '02' | '03' | '04' | '05' | '06' | '10';
  /**
   * 就诊凭证编号 字符型 50 可选
   */
  mdtrt_cert_no?: string;
  /**
   * 卡识别码 字符型 32 可选
   */
  card_sn?: string;
  /**
   * 开始时间 字符型 19 可选
   */
  begntime?: string;
  /**
   * 人员证件类型 字符型 6 必填
   * 字典 psn_cert_type（人员证件类型，开放：其他代码也可）：01 居民身份证（户口簿）；02 中国人民解放军军官证；06 港澳居民来往内地通行证；07 台湾居民来往内地通行证；08 外国人护照；99 其他身份证件
   */
  psn_cert_type: '01' | '02' | '06' | '07' | '08' | '99' | (string & {});
  /**
   * 证件号码 字符型 50 必填
   */
  certno: string;
  /**
   * 人员姓名 字符型 50 可选
   */
  psn_name?: string;
}

/** 【1101】人员信息获取 出参（face-one-code-pay.txt 6.1/6.2；HIS → 医保核心系统） */
export interface Txn1101Output {
  /**
   * 基本信息 对象 必填
   */
  baseinfo: Txn1101OutputBaseinfo;
  /**
   * 参保信息列表 列表 必填
   */
  insuinfo: Txn1101OutputInsuinfoItem[];
  /**
   * 身份信息列表 列表 可选
   */
  idetinfo?: Txn1101OutputIdetinfoItem[];
}

/** 基本信息 */
export interface Txn1101OutputBaseinfo {
  /**
   * 人员编号 字符型 30 必填
   */
  psn_no: string;
  /**
   * 人员证件类型 字符型 6 必填
   */
  psn_cert_type: string;
  /**
   * 证件号码 字符型 50 必填
   */
  certno: string;
  /**
   * 人员姓名 字符型 50 必填
   */
  psn_name: string;
  /**
   * 性别 字符型 6 必填
   */
  gend: string;
  /**
   * 民族 字符型 3 可选
   */
  naty?: string;
  /**
   * 出生日期 字符型 10 必填
   * 格式：yyyy-MM-dd
   */
  brdy: string;
  /**
   * 年龄 数值型 4,1 必填
   * 最多 1 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  age: string;
}

/** insuinfo */
export interface Txn1101OutputInsuinfoItem {
  /**
   * 余额 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  balc: string;
  /**
   * 险种类型 字符型 6 必填
   * 字典 insutype（险种类型，开放：其他代码也可）：310 职工基本医疗保险；320 公务员医疗补助；330 大额医疗费用补助；340 离休人员医疗保障；390 城乡居民基本医疗保险；392 城乡居民大病医疗保险；510 生育保险
   */
  insutype: '310' | '320' | '330' | '340' | '390' | '392' | '510' | (string & {});
  /**
   * 人员类别 字符型 6 必填
   */
  psn_type: string;
  /**
   * 人员参保状态 字符型 6 可选
   */
  psn_insu_stas?: string;
  /**
   * 个人参保日期 字符型 10 可选
   */
  psn_insu_date?: string;
  /**
   * 暂停参保日期 字符型 10 可选
   */
  paus_insu_date?: string;
  /**
   * 公务员标志 字符型 3 必填
   */
  cvlserv_flag: string;
  /**
   * 参保地医保区划 字符型 6 可选
   */
  insuplc_admdvs?: string;
  /**
   * 参保地医保区划 字符型 6 可选
   * 示例报文写作 insu_admdvs
   */
  insu_admdvs?: string;
  /**
   * 单位名称 字符型 200 可选
   */
  emp_name?: string;
  /**
   * 人员参保关系 ID 字符型 30 可选
   */
  psn_insu_rlts_id?: string;
}

/** idetinfo */
export interface Txn1101OutputIdetinfoItem {
  /**
   * 人员身份类别 字符型 6 必填
   */
  psn_idet_type: string;
  /**
   * 人员类别等级 字符型 3 可选
   */
  psn_type_lv?: string;
  /**
   * 备注 字符型 500 可选
   */
  memo?: string;
  /**
   * 开始时间 字符型 19 必填
   */
  begntime: string;
  /**
   * 结束时间 字符型 19 可选
   */
  endtime?: string;
}

/** 【6101】解析医保电子凭证二维码 入参（mobile-payment.txt 2.3.1.1.1；HIS → 地方电子凭证中心） */
export interface Txn6101Input {
  /**
   * 机构 ID 字符型 40 必填
   * 医保定点机构代码
   */
  orgId: string;
  /**
   * 用码业务类型 字符型 5 必填
   * 参见字典表-用码业务类型
   * 字典 businessType（用码业务类型，开放：其他代码也可，5 位数字）：01101 门诊挂号；01102 住院建档；01103 入院登记；01104 缴纳预缴金；01201 门诊问诊；01202 预约检查；01203 检查；01204 治疗；01301 门诊结算；01302 取药；02121 药店购药；02122 下载外购处方
   */
  businessType: '01101' | '01102' | '01103' | '01104' | '01201' | '01202' | '01203' | '01204' | '01301' | '01302' | '02121' | '02122' | (string & {});
  /**
   * 用码业务信息 字符型 200 可选
   */
  businessInfo?: string;
  /**
   * 操作员工号 字符型 20 必填
   */
  operatorId: string;
  /**
   * 操作员姓名 字符型 30 必填
   */
  operatorName: string;
  /**
   * 医保科室编号 字符型 20 必填
   */
  officeId: string;
  /**
   * 科室名称 字符型 30 必填
   */
  officeName: string;
  /**
   * 设备类型 字符型 30 可选
   * 自助机则设为 SelfService
   */
  deviceType?: string;
  /**
   * 电子凭证二维码值 字符型 200 可选
   * yibao 扩展：规范经国家医保电子凭证动态库读码，未给字段名；HTTP 接口在此传二维码值
   */
  ecQrCode?: string;
}

/** 【6101】解析医保电子凭证二维码 出参（mobile-payment.txt 2.3.1.1.1；HIS → 地方电子凭证中心） */
export interface Txn6101Output {
  /**
   * 用户姓名 字符型 50 必填
   */
  userName: string;
  /**
   * 证件号码 字符型 30 必填
   */
  idNo: string;
  /**
   * 证件类型 字符型 3 必填
   * 字典 psn_cert_type（人员证件类型，开放：其他代码也可）：01 居民身份证（户口簿）；02 中国人民解放军军官证；06 港澳居民来往内地通行证；07 台湾居民来往内地通行证；08 外国人护照；99 其他身份证件
   */
  idType: '01' | '02' | '06' | '07' | '08' | '99' | (string & {});
  /**
   * 身份核验令牌 字符型 40 必填
   */
  ecToken: string;
  /**
   * 参保地行政区划 字符型 6 必填
   */
  insuOrg: string;
  /**
   * 授权流水号 字符型 40 可选
   */
  authNo?: string;
  /**
   * 外部索引号 字符型 32 可选
   */
  ecIndexNo?: string;
  /**
   * 性别 字符型 3 可选
   */
  gender?: string;
  /**
   * 出生日期 字符型 10 可选
   */
  birthday?: string;
  /**
   * 国籍 字符型 40 可选
   */
  nationality?: string;
  /**
   * 电子邮箱 字符型 40 可选
   */
  email?: string;
}

/** 【6201】费用明细上传 入参（mobile-payment.txt 2.3.1.2.1；HIS → 移动支付中心） */
export interface Txn6201Input {
  /**
   * 机构编码 字符型 40 必填
   * 医保分配
   */
  orgCodg: string;
  /**
   * 电子凭证机构号 字符型 40 可选
   */
  orgId?: string;
  /**
   * 人员编号 字符型 30 必填
   */
  psnNo: string;
  /**
   * 险种类型 字符型 6 必填
   * 字典 insutype（险种类型，开放：其他代码也可）：310 职工基本医疗保险；320 公务员医疗补助；330 大额医疗费用补助；340 离休人员医疗保障；390 城乡居民基本医疗保险；392 城乡居民大病医疗保险；510 生育保险
   */
  insutype: '310' | '320' | '330' | '340' | '390' | '392' | '510' | (string & {});
  /**
   * 医疗机构订单号 字符型 40 必填
   * 院内产生惟一流水
   */
  medOrgOrd: string;
  /**
   * 要续方的原处方流水 字符型 40 可选
   * rxCircFlag 为 1 时必传
   */
  initRxOrd?: string;
  /**
   * 电子处方流转标志 字符型 1 可选
   * 字典 rxCircFlag（电子处方流转标志）：0 不是电子处方；1 电子处方
   */
  rxCircFlag?: '0' | '1';
  /**
   * 开始时间 字符型 19 必填
   * 格式：yyyy-MM-dd HH:mm:ss
   * 挂号时间
   */
  begntime: string;
  /**
   * 证件号码 字符型 40 必填
   */
  idNo: string;
  /**
   * 用户姓名 字符型 40 必填
   */
  userName: string;
  /**
   * 证件类别 字符型 3 必填
   * 字典 psn_cert_type（人员证件类型，开放：其他代码也可）：01 居民身份证（户口簿）；02 中国人民解放军军官证；06 港澳居民来往内地通行证；07 台湾居民来往内地通行证；08 外国人护照；99 其他身份证件
   */
  idType: '01' | '02' | '06' | '07' | '08' | '99' | (string & {});
  /**
   * 电子凭证授权 ecToken 字符型 64 必填
   */
  ecToken: string;
  /**
   * 就诊参保地行政区划 字符型 6 可选
   */
  insuCode?: string;
  /**
   * 住院/门诊号 字符型 30 必填
   */
  iptOtpNo: string;
  /**
   * 医师编码 字符型 30 可选
   */
  atddrNo?: string;
  /**
   * 医师姓名 字符型 50 可选
   */
  drName?: string;
  /**
   * 科室编码 字符型 30 可选
   */
  deptCode?: string;
  /**
   * 科室名称 字符型 100 必填
   */
  deptName: string;
  /**
   * 科别 字符型 6 必填
   */
  caty: string;
  /**
   * 就诊 ID 字符型 30 可选
   */
  mdtrtId?: string;
  /**
   * 医疗类别 字符型 6 必填
   * 字典 med_type（医疗类别，开放：其他代码也可）：11 普通门诊；12 门诊挂号；13 急诊；14 门诊慢特病；21 普通住院；41 定点药店购药；51 生育门诊；52 生育住院
   */
  medType: '11' | '12' | '13' | '14' | '21' | '41' | '51' | '52' | (string & {});
  /**
   * 费用类型 字符型 3 必填
   * 字典 feeType（费用类型，开放：其他代码也可，1–3 位数字）：各地中心公布
   */
  feeType: string;
  /**
   * 医疗费总额 数值型 16,2 必填
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  medfeeSumamt: string | number;
  /**
   * 个人账户使用标志 字符型 1 必填
   * 药店上传费用时必填
   * 字典 acctUsedFlag（个人账户使用标志）：0 不使用；1 使用
   */
  acctUsedFlag: '0' | '1';
  /**
   * 主要病情描述 字符型 1000 可选
   */
  mainCondDscr?: string;
  /**
   * 病种编码 字符型 30 必填
   */
  diseCodg: string;
  /**
   * 病种名称 字符型 500 可选
   */
  diseName?: string;
  /**
   * 个人结算方式 字符型 6 必填
   */
  psnSetlway: string;
  /**
   * 收费批次号 字符型 30 必填
   */
  chrgBchno: string;
  /**
   * 公立医院改革标志 字符型 6 必填
   */
  pubHospRfomFlag: string;
  /**
   * 发票号 字符型 20 可选
   */
  invono?: string;
  /**
   * 出院时间 字符型 19 可选
   * 格式：yyyy-MM-dd HH:mm:ss
   */
  endtime?: string;
  /**
   * 全自费金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  fulamtOwnpayAmt?: string | number;
  /**
   * 超限价金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  overlmtSelfpay?: string | number;
  /**
   * 先行自付金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  preselfpayAmt?: string | number;
  /**
   * 符合政策范围金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  inscpScpAmt?: string | number;
  /**
   * 手术操作代码 字符型 30 可选
   */
  oprnOprtCode?: string;
  /**
   * 手术操作名称 字符型 500 可选
   */
  oprnOprtName?: string;
  /**
   * 计划生育服务证号 字符型 50 可选
   */
  fpscNo?: string;
  /**
   * 晚育标志 字符型 3 可选
   */
  latechbFlag?: string;
  /**
   * 孕周数 数值型 2 可选
   * 整数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  gesoVal?: string | number;
  /**
   * 胎次 数值型 3 条件必填（规范标 Y，见说明）
   * 整数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   * 住院结算时需要
   */
  fetts?: string | number;
  /**
   * 胎儿数 数值型 3 可选
   * 整数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  fetusCnt?: string | number;
  /**
   * 早产标志 字符型 3 可选
   */
  pretFlag?: string;
  /**
   * 计划生育手术类别 字符型 6 可选
   */
  birctrlType?: string;
  /**
   * 计划生育手术或生育日期 字符型 10 可选
   * 格式：yyyy-MM-dd
   */
  birctrlMatnDate?: string;
  /**
   * 伴有并发症标志 字符型 3 可选
   */
  copFlag?: string;
  /**
   * 出院科室编码 字符型 30 可选
   */
  dscgDeptCodg?: string;
  /**
   * 出院科室名称 字符型 100 可选
   */
  dscgDeptName?: string;
  /**
   * 出院床位 字符型 50 可选
   */
  dscgDed?: string;
  /**
   * 离院方式 字符型 8 可选
   */
  dscgWay?: string;
  /**
   * 死亡日期 字符型 10 可选
   * 格式：yyyy-MM-dd
   */
  dieDate?: string;
  /**
   * 生育类别 字符型 6 条件必填（规范标 Y，见说明）
   * 住院结算时需要
   */
  matnType?: string;
  /**
   * 扩展数据 字符型 4000 可选
   * JSON 对象字符串；银联个账时含 merchantNo/terminalNo/isvNo（可参考 FSI 的接口要求）
   */
  expContent?: string;
  /**
   * 中途结算标志 字符型 3 可选
   * 字典 mid_setl_flag（中途结算标志）：0 否；1 是
   */
  midSetlFlag?: '0' | '1';
  /**
   * 诊断或症状明细 列表 必填
   */
  diseinfoList: Txn6201InputDiseinfoListItem[];
  /**
   * 费用明细 列表 必填
   */
  feedetailList: Txn6201InputFeedetailListItem[];
  /**
   * 入院诊断描述 字符型 200 可选
   */
  admDiagDscr?: string;
  /**
   * 入院科室编码 字符型 30 可选
   */
  admDeptCodg?: string;
  /**
   * 入院科室名称 字符型 100 可选
   */
  admDeptName?: string;
  /**
   * 入院床位 字符型 30 可选
   */
  admBed?: string;
  /**
   * 支付授权码 字符型 40 可选
   */
  payAuthNo?: string;
  /**
   * 经纬度 字符型 21 可选
   * 格式：经度,纬度；定位失败传 0,0
   */
  uldLatlnt?: string;
  /**
   * 就诊凭证类型 字符型 2 可选
   * 字典 mdtrt_cert_type（就诊凭证类型）：00 无就诊介质；01 电子凭证；02 居民身份证；03 社会保障卡；04 健康卡；05 住院号；06 临时卡；10 机构病人ID
   */
  mdtrtCertType?: '00' | '01' | '02' | '03' | '04' | '05' | '06' | '10';
  /**
   * 用户参保地行政区划 字符型 6 可选
   */
  insuplcAdmdvs?: string;
}

/** diseinfoList */
export interface Txn6201InputDiseinfoListItem {
  /**
   * 诊断类别 字符型 3 必填
   * 字典诊断类别(diag_type)
   * 字典 diag_type（诊断类别，开放：其他代码也可，1 位数字）：1 西医诊断；2 中医主病诊断；3 中医主证诊断
   */
  diagType: '1' | '2' | '3' | (string & {});
  /**
   * 诊断排序号 数值型 2 必填
   * 整数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  diagSrtNo: string | number;
  /**
   * 诊断代码 字符型 20 必填
   */
  diagCode: string;
  /**
   * 诊断名称 字符型 100 必填
   */
  diagName: string;
  /**
   * 诊断科室 字符型 50 必填
   */
  diagDept: string;
  /**
   * 诊断医生编码 字符型 30 必填
   */
  diseDorNo: string;
  /**
   * 诊断医生姓名 字符型 50 必填
   */
  diseDorName: string;
  /**
   * 诊断时间 字符型 19 必填
   * 格式：yyyy-MM-dd HH:mm:ss
   */
  diagTime: string;
  /**
   * 有效标志 字符型 3 必填
   */
  valiFlag: string;
}

/** feedetailList */
export interface Txn6201InputFeedetailListItem {
  /**
   * 费用明细流水号 字符型 30 必填
   * 单次就诊内唯一
   */
  feedetlSn: string;
  /**
   * 就诊 ID 字符型 30 可选
   */
  mdtrtId?: string;
  /**
   * 人员编号 字符型 30 必填
   */
  psnNo: string;
  /**
   * 收费批次号 字符型 30 必填
   * 同一收费批次号病种编号必须一致
   */
  chrgBchno: string;
  /**
   * 病种编码 字符型 30 可选
   */
  diseCodg?: string;
  /**
   * 处方号 字符型 30 可选
   */
  rxno?: string;
  /**
   * 外购处方标志 字符型 3 必填
   */
  rxCircFlag: string;
  /**
   * 费用发生时间 日期时间型 必填
   * 格式：yyyy-MM-dd HH:mm:ss
   */
  feeOcurTime: string;
  /**
   * 医疗目录编码 字符型 50 必填
   */
  medListCodg: string;
  /**
   * 医药机构目录编码 字符型 150 必填
   */
  medinsListCodg: string;
  /**
   * 明细项目费用总额 数值型 16,2 必填
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  detItemFeeSumamt: string | number;
  /**
   * 数量 数值型 16,4 必填
   * 最多 4 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  cnt: string | number;
  /**
   * 单价 数值型 16,6 必填
   * 最多 6 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  pric: string | number;
  /**
   * 单次剂量描述 字符型 200 可选
   */
  sinDosDscr?: string;
  /**
   * 使用频次描述 字符型 200 可选
   */
  usedFrquDscr?: string;
  /**
   * 周期天数 数值型 4,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  prdDays?: string | number;
  /**
   * 用药途径描述 字符型 200 可选
   */
  medcWayDscr?: string;
  /**
   * 开单科室编码 字符型 30 必填
   */
  bilgDeptCodg: string;
  /**
   * 开单科室名称 字符型 100 必填
   */
  bilgDeptName: string;
  /**
   * 开单医生编码 字符型 30 必填
   * 按照标准编码填写
   */
  bilgDrCodg: string;
  /**
   * 开单医师姓名 字符型 50 必填
   */
  bilgDrName: string;
  /**
   * 受单科室编码 字符型 30 可选
   */
  acordDeptCodg?: string;
  /**
   * 受单科室名称 字符型 100 可选
   */
  acordDeptName?: string;
  /**
   * 受单医生编码 字符型 30 可选
   */
  ordersDrCode?: string;
  /**
   * 受单医生姓名 字符型 50 可选
   */
  ordersDrName?: string;
  /**
   * 医院审批标志 字符型 3 必填
   */
  hospApprFlag: string;
  /**
   * 中药使用方式 字符型 6 可选
   */
  tcmdrugUsedWay?: string;
  /**
   * 外检标志 字符型 3 可选
   */
  etipFlag?: string;
  /**
   * 外检医院编码 字符型 30 可选
   */
  etipHospCode?: string;
  /**
   * 出院带药标志 字符型 3 可选
   */
  dscgTkdrugFlag?: string;
  /**
   * 生育费用标志 字符型 6 可选
   */
  matnFeeFlag?: string;
  /**
   * 原费用流水号 字符型 30 可选
   * 退单时传入被退单的费用明细流水号
   */
  initFeedetlSn?: string;
  /**
   * 医嘱号 字符型 30 可选
   */
  drordNo?: string;
  /**
   * 医疗类别 字符型 6 必填
   * 字典 med_type（医疗类别，开放：其他代码也可）：11 普通门诊；12 门诊挂号；13 急诊；14 门诊慢特病；21 普通住院；41 定点药店购药；51 生育门诊；52 生育住院
   */
  medType: '11' | '12' | '13' | '14' | '21' | '41' | '51' | '52' | (string & {});
  /**
   * 备注 字符型 500 可选
   */
  memo?: string;
  /**
   * 扩展字段 字符型 5000 可选
   * 可参考 FSI 的接口要求
   */
  expContent?: string;
  /**
   * 医疗目录名称 字符型 50 必填
   */
  medListName: string;
  /**
   * 医疗目录规格 字符型 50 必填
   */
  medListSpc: string;
  /**
   * 组套编号 字符型 3 可选
   * 是否必填在规范中为空
   */
  combNo?: string;
}

/** 【6201】费用明细上传 出参（mobile-payment.txt 2.3.1.2.1；HIS → 移动支付中心） */
export interface Txn6201Output {
  /**
   * 支付订单号 字符型 40 必填
   * 医保结算中心订单号
   */
  payOrdId: string;
  /**
   * 支付 token 字符型 40 必填
   * 下单支付使用
   */
  payToken: string;
  /**
   * 医保支付收银台h5地址 字符型 4000 可选
   * 见 3.1.2.1.5.1 收银台拼接说明
   */
  cashierUrl?: string;
  /**
   * 医保扩展数据 对象 可选
   * 根据各地方医保要求传不同数据内容
   */
  extData?: Txn6201OutputExtData | null;
}

/** 医保扩展数据 */
export interface Txn6201OutputExtData {
  /**
   * 就诊 ID 字符型 40 可选
   * 6202 支付下单的 mdtrtId 传此值（6201 未传 mdtrtId 时）；yibao 扩展，各地不同
   */
  mdtrtId?: string;
  /**
   * 医保挂号流水号 字符型 40 可选
   * yibao 扩展
   */
  hiRgstSn?: string;
  /**
   * 预结算结果 对象 可选
   * yibao 扩展：支付前可向患者展示
   */
  preSetl?: Txn6201OutputExtDataPreSetl | null;
  [key: string]: unknown;
}

/** 预结算结果 */
export interface Txn6201OutputExtDataPreSetl {
  /**
   * 医疗费总额 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  medfeeSumamt?: string;
  /**
   * 医保基金支付 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  fundPay?: string;
  /**
   * 个人账户支出 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  psnAcctPay?: string;
  /**
   * 现金支付 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  ownPayAmt?: string;
  /**
   * 其他支付金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  othFeeAmt?: string;
  /**
   * 全自费金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  fulamtOwnpayAmt?: string;
  /**
   * 超限价金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  overlmtSelfpay?: string;
  /**
   * 先行自付金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  preselfpayAmt?: string;
  /**
   * 符合政策范围金额 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  inscpScpAmt?: string;
}

/** 【6202】支付下单 入参（mobile-payment.txt 2.3.1.2.2；HIS → 移动支付中心） */
export interface Txn6202Input {
  /**
   * 支付授权码 字符型 40 必填
   */
  payAuthNo: string;
  /**
   * 待支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 支付订单对应的 token 字符型 40 必填
   */
  payToken: string;
  /**
   * 定点机构编码 字符型 12 必填
   */
  orgCodg: string;
  /**
   * 业务流水号 字符型 40 必填
   * 每一次请求唯一
   */
  orgBizSer: string;
  /**
   * 收费批次号 字符型 40 必填
   * 与费用上传一致
   */
  chrgBchno: string;
  /**
   * 费用类别 字符型 2 必填
   * 与费用上传一致
   * 字典 feeType（费用类型，开放：其他代码也可，1–3 位数字）：各地中心公布
   */
  feeType: string;
  /**
   * 就诊事件 ID 字符型 40 必填
   * 与费用上传一致
   */
  mdtrtId: string;
  /**
   * 住院押金 数值型 16,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  deposit?: string | number;
  /**
   * 扩展数据 字符型 4000 可选
   * JSON 对象字符串；银联个账时含 merchantNo/terminalNo/isvNo（可参考 FSI 的接口要求）
   */
  expContent?: string;
  /**
   * 个账使用标识 字符型 1 可选
   * 为空时默认使用费用上传时的值
   * 字典 acctUsedFlag（个人账户使用标志）：0 不使用；1 使用
   */
  acctUsedFlag?: '0' | '1';
}

/** 【6202】支付下单 出参（mobile-payment.txt 2.3.1.2.2；HIS → 移动支付中心） */
export interface Txn6202Output {
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 订单状态 字符型 40 必填
   * 字典 ordStas（订单状态）：0 已保存；1 预结算完成；2 结算中；3 自费完成；4 医保支付完成；5 院内结算完成；6 结算完成；7 已退款；8 已医保全部退款；9 仅自费全部退款；10 仅自费部分退款；11 医保全部退自费部分退款；12 已撤销；13 医保已撤销；14 异常；15 结算失败；16 医保结算失败自费冲正失败
   */
  ordStas: '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | '11' | '12' | '13' | '14' | '15' | '16';
  /**
   * 费用总额 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  feeSumamt: string;
  /**
   * 现金支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  ownPayAmt: string;
  /**
   * 个人账户支出 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  psnAcctPay: string;
  /**
   * 医保基金支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  fundPay: string;
  /**
   * 住院押金 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  deposit?: string;
  /**
   * 扩展数据 对象 可选
   */
  extData?: { [key: string]: unknown } | null;
  /**
   * 其他支付金额 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   * 如医院负担金额
   */
  othFeeAmt: string;
}

/** 【6203】医保退费 入参（mobile-payment.txt 2.3.1.2.3；HIS → 移动支付中心） */
export interface Txn6203Input {
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 应用退款流水号 字符型 40 必填
   */
  appRefdSn: string;
  /**
   * 应用退费时间 字符型 40 必填
   * 格式：yyyyMMddHHmmss
   */
  appRefdTime: string;
  /**
   * 总退费金额 数值型 12,2 必填
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  totlRefdAmt: string | number;
  /**
   * 医保个人账户支付 数值型 12,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  psnAcctRefdAmt?: string | number;
  /**
   * 基金支付 数值型 12,2 可选
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   * 含商保
   */
  fundRefdAmt?: string | number;
  /**
   * 现金退费金额 数值型 12,2 必填
   * 最多 2 位小数的十进制数：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)
   */
  cashRefdAmt: string | number;
  /**
   * 电子凭证授权 Token 字符型 64 可选
   * 与 payAuthNo 不可同时为空
   */
  ecToken?: string;
  /**
   * 退费类型 字符型 40 必填
   * 字典 refdType（退费类型）：ALL 全部；CASH 只退现金；HI 只退医保
   */
  refdType: 'ALL' | 'CASH' | 'HI';
  /**
   * 扩展数据 字符型 4000 可选
   * JSON 对象字符串；银联个账时含 merchantNo/terminalNo/isvNo（可参考 FSI 的接口要求）
   */
  expContent?: string;
  /**
   * 支付授权码 字符型 40 可选
   * 与 ecToken 不可同时为空
   */
  payAuthNo?: string;
}

/** 【6203】医保退费 出参（mobile-payment.txt 2.3.1.2.3；HIS → 移动支付中心） */
export interface Txn6203Output {
  /**
   * 结算中心流水号 字符型 40 必填
   */
  refdSn: string;
  /**
   * 医保退费流水号 字符型 40 条件必填（规范标 Y，见说明）
   * 现金退费不返回
   */
  hiFefdSn?: string;
  /**
   * 医保退费日期 字符型 8 条件必填（规范标 Y，见说明）
   * 现金退费不返回
   */
  hiTrnsDate?: string;
  /**
   * 医保退费时间 字符型 6 条件必填（规范标 Y，见说明）
   * 现金退费不返回
   */
  hiTrnsTime?: string;
  /**
   * 退费状态 字符型 40 必填
   * 字典 refStatus（退费状态）：SUCC 成功；FAIL 失败；EXP 异常：医保退费成功，自费退费失败，可发起退纯自费重试
   */
  refStatus: 'SUCC' | 'FAIL' | 'EXP';
  /**
   * 医保扩展数据 对象 可选
   */
  extData?: { [key: string]: unknown } | null;
}

/** 【6204】医保订单信息同步 入参（mobile-payment.txt 2.3.1.2.4；移动支付中心 → HIS） */
export interface Txn6204Input {
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 医院订单号 字符型 40 必填
   */
  medOrgOrd: string;
  /**
   * 费用总金额 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  feeSumamt: string;
  /**
   * 现金自付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  ownPayAmt: string;
  /**
   * 个人账户支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  psnAcctPay: string;
  /**
   * 医保基金支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  fundPay: string;
  /**
   * 其他支付金额 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  othFeeAmt: string;
  /**
   * 住院押金 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  deposit?: string;
  /**
   * 扩展数据 对象 可选
   * 表 14；透传医保核心结算出参
   */
  extData?: Txn6204InputExtData | null;
}

/** 扩展数据 */
export interface Txn6204InputExtData {
  /**
   * 医保个账商户号 字符型 20 必填
   * 与银联约定值
   */
  merchantNo: string;
  /**
   * 终端号 字符型 8 必填
   * 与银联约定值
   */
  terminalNo: string;
  /**
   * 服务商号（渠道 ID） 字符型 20 必填
   * 与银联约定值
   */
  isvNo: string;
  [key: string]: unknown;
}

/** 【6204】医保订单信息同步 出参（mobile-payment.txt 2.3.1.2.4；移动支付中心 → HIS） */
export interface Txn6204Output {
}

/** 【6205】银行卡支付下单 入参（mobile-payment.txt 2.3.1.2.5；HIS → 移动支付中心） */
export interface Txn6205Input {
  /**
   * 支付授权码 字符型 40 必填
   */
  payAuthNo: string;
  /**
   * 待支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 支付订单对应的 token 字符型 40 必填
   */
  payToken: string;
  /**
   * 定点机构编码 字符型 12 必填
   */
  orgCodg: string;
  /**
   * 业务流水号 字符型 40 必填
   * 每一次请求唯一
   */
  orgBizSer: string;
  /**
   * 扩展数据 字符型 4000 可选
   * JSON 对象字符串；银联个账时含 merchantNo/terminalNo/isvNo（可参考 FSI 的接口要求）
   */
  expContent?: string;
}

/** 【6205】银行卡支付下单 出参（mobile-payment.txt 2.3.1.2.5；HIS → 移动支付中心） */
export interface Txn6205Output {
  /**
   * 银行卡混合支付地址 字符型 4000 必填
   */
  medBankPayUrl: string;
  /**
   * 扩展数据 对象 可选
   */
  extData?: { [key: string]: unknown } | null;
}

/** 【6301】医保订单结算结果查询 入参（mobile-payment.txt 2.3.1.3.1；HIS → 移动支付中心） */
export interface Txn6301Input {
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 定点机构编码 字符型 40 必填
   */
  orgCodg: string;
  /**
   * 支付 token 字符型 40 必填
   * 与费用上传时一致
   */
  payToken: string;
  /**
   * 证件号码 字符型 40 必填
   */
  idNo: string;
  /**
   * 用户姓名 字符型 40 必填
   */
  userName: string;
  /**
   * 证件类别 字符型 3 必填
   * 字典 psn_cert_type（人员证件类型，开放：其他代码也可）：01 居民身份证（户口簿）；02 中国人民解放军军官证；06 港澳居民来往内地通行证；07 台湾居民来往内地通行证；08 外国人护照；99 其他身份证件
   */
  idType: '01' | '02' | '06' | '07' | '08' | '99' | (string & {});
  /**
   * 扩展数据 字符型 4000 可选
   * JSON 对象字符串；银联个账时含 merchantNo/terminalNo/isvNo（可参考 FSI 的接口要求）
   */
  expContent?: string;
}

/** 【6301】医保订单结算结果查询 出参（mobile-payment.txt 2.3.1.3.1；HIS → 移动支付中心） */
export interface Txn6301Output {
  /**
   * 订单状态 字符型 40 必填
   * 字典 ordStas（订单状态）：0 已保存；1 预结算完成；2 结算中；3 自费完成；4 医保支付完成；5 院内结算完成；6 结算完成；7 已退款；8 已医保全部退款；9 仅自费全部退款；10 仅自费部分退款；11 医保全部退自费部分退款；12 已撤销；13 医保已撤销；14 异常；15 结算失败；16 医保结算失败自费冲正失败
   */
  ordStas: '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | '11' | '12' | '13' | '14' | '15' | '16';
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 回调类型 字符型 40 条件必填（规范标 Y，见说明）
   * 字典 callType（回调类型，开放：其他代码也可）：02 支付成功回调
   */
  callType?: '02' | (string & {});
  /**
   * 医院订单号 字符型 40 必填
   */
  medOrgOrd: string;
  /**
   * 交易时间 字符型 40 条件必填（规范标 Y，见说明）
   */
  traceTime?: string;
  /**
   * 两定机构编号 字符型 40 必填
   */
  orgCodg: string;
  /**
   * 两定机构名称 字符型 40 必填
   */
  orgName: string;
  /**
   * 结算类型 字符型 40 条件必填（规范标 Y，见说明）
   * 字典 setlType（结算类型）：ALL 医保自费全部；CASH 只结现金；HI 只结医保
   */
  setlType?: 'ALL' | 'CASH' | 'HI';
  /**
   * 费用总金额 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  feeSumamt: string;
  /**
   * 现金支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  ownPayAmt: string;
  /**
   * 个人账户支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  psnAcctPay: string;
  /**
   * 医保基金支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  fundPay: string;
  /**
   * 用于院内结算失败对医保的冲正授权 字符型 40 条件必填（规范标 Y，见说明）
   * 1小时内有效
   */
  revsToken?: string;
  /**
   * 医保扩展数据 对象 可选
   */
  extData?: Txn6301OutputExtData | null;
  /**
   * 住院押金 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  deposit?: string;
  /**
   * 医保收费时间 字符型 6 条件必填（规范标 Y，见说明）
   */
  hiChrgTime?: string;
  /**
   * 医保交易流水号 字符型 40 条件必填（规范标 Y，见说明）
   */
  hiDocSn?: string;
  /**
   * 医保挂号流水号 字符型 40 必填
   */
  hiRgstSn: string;
  /**
   * 电子凭证码值 字符型 200 可选
   */
  ecCode?: string;
}

/** 医保扩展数据 */
export interface Txn6301OutputExtData {
  /**
   * 实账支付流水号 字符型 40 可选
   * 只有个账为实账支付时，会返回
   */
  psnPaySn?: string;
  [key: string]: unknown;
}

/** 【6302】医保结算结果通知 入参（mobile-payment.txt 2.3.1.3.2；移动支付中心 → HIS） */
export interface Txn6302Input {
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 回调类型 字符型 40 必填
   * 固定传 02，目前仅支付成功回调
   * 字典 callType（回调类型，开放：其他代码也可）：02 支付成功回调
   */
  callType: '02' | (string & {});
  /**
   * 医院订单号 字符型 40 必填
   */
  medOrgOrd: string;
  /**
   * 交易时间 字符型 40 必填
   */
  traceTime: string;
  /**
   * 费用总金额 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  feeSumamt: string;
  /**
   * 个人现金自付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  ownpayAmt: string;
  /**
   * 个人账户支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  psnAcctPay: string;
  /**
   * 其中基金支付 数值型 12,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  fundPay: string;
  /**
   * 医保收费时间 字符型 6 必填
   */
  hiChrgTime: string;
  /**
   * 医保交易流水号 字符型 40 必填
   */
  hiDocSn: string;
  /**
   * 医保挂号流水号 字符型 40 必填
   */
  hiRgstSn: string;
  /**
   * 机构名称 字符型 40 必填
   */
  orgName: string;
  /**
   * 电子凭证码值 字符型 200 可选
   */
  ecCode?: string;
  /**
   * 结算类型 字符型 40 必填
   * 字典 setlType（结算类型）：ALL 医保自费全部；CASH 只结现金；HI 只结医保
   */
  setlType: 'ALL' | 'CASH' | 'HI';
  /**
   * 用于院内结算失败对医保的冲正授权 字符型 40 必填
   * 1小时内有效
   */
  revsToken: string;
  /**
   * 医保扩展数据 对象 可选
   */
  extData?: Txn6302InputExtData | null;
  /**
   * 两定机构编号 字符型 40 必填
   */
  orgCodg: string;
  /**
   * 住院押金 数值型 16,2 可选
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  deposit?: string;
}

/** 医保扩展数据 */
export interface Txn6302InputExtData {
  /**
   * 实账支付流水号 字符型 40 可选
   * 只有个账为实账支付时，会返回
   */
  psnPaySn?: string;
  [key: string]: unknown;
}

/** 【6302】医保结算结果通知 出参（mobile-payment.txt 2.3.1.3.2；移动支付中心 → HIS） */
export interface Txn6302Output {
  /**
   * 回调通知结果 布尔型 必填
   */
  success: boolean;
  /**
   * 结果说明 字符型 1000 必填
   */
  message: string;
}

/** 【6401】费用明细上传撤销 入参（mobile-payment.txt 2.3.1.4.1；HIS → 移动支付中心） */
export interface Txn6401Input {
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 机构编号 字符型 40 必填
   */
  orgCodg: string;
  /**
   * 支付 token 字符型 40 必填
   */
  payToken: string;
  /**
   * 证件号码 字符型 40 必填
   */
  idNo: string;
  /**
   * 用户姓名 字符型 40 必填
   */
  userName: string;
  /**
   * 证件类别 字符型 3 必填
   * 字典 psn_cert_type（人员证件类型，开放：其他代码也可）：01 居民身份证（户口簿）；02 中国人民解放军军官证；06 港澳居民来往内地通行证；07 台湾居民来往内地通行证；08 外国人护照；99 其他身份证件
   */
  idType: '01' | '02' | '06' | '07' | '08' | '99' | (string & {});
  /**
   * 扩展数据 字符型 4000 可选
   * JSON 对象字符串；银联个账时含 merchantNo/terminalNo/isvNo（可参考 FSI 的接口要求）
   */
  expContent?: string;
}

/** 【6401】费用明细上传撤销 出参（mobile-payment.txt 2.3.1.4.1；HIS → 移动支付中心） */
export interface Txn6401Output {
  /**
   * 回调通知结果 布尔型 必填
   */
  success: boolean;
}

/** 【downloadStatement】下载对账单（yibao 扩展） 入参（yibao 扩展（docs/statements.md）；HIS → 移动支付中心） */
export interface DownloadStatementInput {
  /**
   * 定点机构编码 字符型 40 必填
   */
  orgCodg: string;
  /**
   * 对账日期 字符型 10 必填
   * 格式：yyyy-MM-dd
   * 北京时间的自然日；仅可下载已结束的日期
   */
  stmtDate: string;
  /**
   * 格式 字符型 4 可选
   * JSON（默认）或 CSV：CSV 时另返回 csv 字段（CSV 全文，同样在签名之内）
   */
  format?: string;
}

/** 【downloadStatement】下载对账单（yibao 扩展） 出参（yibao 扩展（docs/statements.md）；HIS → 移动支付中心） */
export interface DownloadStatementOutput {
  /**
   * 渠道 id 字符型 32 必填
   */
  appId: string;
  /**
   * 定点机构编码 字符型 40 必填
   */
  orgCodg: string;
  /**
   * 定点机构名称 字符型 100 必填
   */
  orgName: string;
  /**
   * 对账日期 字符型 10 必填
   * 格式：yyyy-MM-dd
   */
  stmtDate: string;
  /**
   * 版本 数值型 6 必填
   * 整数，原文字符串（如 "12.30"）；金额转分用 toFen()
   * 管理员重新生成时递增
   */
  version: string;
  /**
   * 生成时间 字符型 19 必填
   * 格式：yyyy-MM-dd HH:mm:ss
   */
  generatedAt: string;
  /**
   * 汇总 对象 必填
   */
  summary: DownloadStatementOutputSummary;
  /**
   * 明细 列表 可选
   * 当日无变化时为空（空数组按报文规则省略）
   */
  lines?: DownloadStatementOutputLinesItem[];
  /**
   * CSV 全文 字符型 100000000 可选
   * format=CSV 时
   */
  csv?: string;
}

/** 汇总 */
export interface DownloadStatementOutputSummary {
  /**
   * 订单行数 数值型 10 必填
   * 整数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  orderCount: string;
  /**
   * 当日结算笔数 数值型 10 必填
   * 整数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  settledCount: string;
  /**
   * 结算费用总额 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  settledFeeSumamt: string;
  /**
   * 结算基金支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  settledFundPay: string;
  /**
   * 结算个账支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  settledPsnAcctPay: string;
  /**
   * 结算现金支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  settledOwnPayAmt: string;
  /**
   * 结算其他支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  settledOthFeeAmt: string;
  /**
   * 成功退费笔数 数值型 10 必填
   * 整数，原文字符串（如 "12.30"）；金额转分用 toFen()
   * refStatus SUCC 与 EXP（医保部分已退）
   */
  refundCount: string;
  /**
   * 退费总额 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  refundFeeSumamt: string;
  /**
   * 基金退费 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  refundFundPay: string;
  /**
   * 个账退费 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  refundPsnAcctPay: string;
  /**
   * 现金退费 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  refundOwnPayAmt: string;
  /**
   * 基金净额 字符型 20 必填
   * 当日结算减当日退费，元，两位小数，可为负
   */
  netFundPay: string;
  /**
   * 个账净额 字符型 20 必填
   * 当日结算减当日退费，元，两位小数，可为负
   */
  netPsnAcctPay: string;
  /**
   * 现金净额 字符型 20 必填
   * 当日结算减当日退费，元，两位小数，可为负
   */
  netOwnPayAmt: string;
}

/** lines */
export interface DownloadStatementOutputLinesItem {
  /**
   * 行类型 字符型 6 必填
   * PAY 订单 / REFUND 退费
   */
  type: string;
  /**
   * 支付订单号 字符型 40 必填
   */
  payOrdId: string;
  /**
   * 医院订单号 字符型 40 必填
   */
  medOrgOrd: string;
  /**
   * 应用退款流水号 字符型 40 可选
   * REFUND 行
   */
  appRefdSn?: string;
  /**
   * 退费流水号 字符型 40 可选
   * REFUND 行
   */
  refdSn?: string;
  /**
   * 状态 字符型 6 必填
   * PAY 行：当日结束时的订单状态 ordStas；REFUND 行：退费状态 refStatus
   */
  status: string;
  /**
   * 当日结算 字符型 1 必填
   * PAY 行：1 = 当日医保结算完成（计入汇总），0 = 其他变化
   */
  settled: string;
  /**
   * 费用总额 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   * REFUND 行为退费总额
   */
  feeSumamt: string;
  /**
   * 基金支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   * REFUND 行为基金退费
   */
  fundPay: string;
  /**
   * 个人账户支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   * REFUND 行为个账退费
   */
  psnAcctPay: string;
  /**
   * 现金支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   * REFUND 行为现金退费
   */
  ownPayAmt: string;
  /**
   * 其他支付 数值型 16,2 必填
   * 最多 2 位小数的十进制数，原文字符串（如 "12.30"）；金额转分用 toFen()
   */
  othFeeAmt: string;
  /**
   * 险种类型 字符型 6 可选
   */
  insutype?: string;
  /**
   * 支付渠道 字符型 10 可选
   */
  chnlType?: string;
  /**
   * 时间 字符型 19 必填
   * 格式：yyyy-MM-dd HH:mm:ss
   * PAY 行：当日最后一次变化；REFUND 行：退费时间（北京时间）
   */
  time: string;
}

/** 【oneCodeStatus】查询用户一码付状态 入参（face-one-code-pay.txt 5.1.1.1；HIS → 一码付模块） */
export interface OneCodeStatusInput {
  /**
   * 电子凭证令牌 字符型 40 必填
   * 电子凭证令牌 fcToken，刷脸后有返回该信息
   */
  token: string;
  /**
   * 定点医药机构代码 字符型 40 必填
   * 国标编码
   */
  orgCodg: string;
  /**
   * 定点医药机构名称 字符型 40 必填
   */
  orgName: string;
  /**
   * 经办人员编号 字符型 40 必填
   */
  opterId: string;
  /**
   * 经办人员姓名 字符型 40 必填
   */
  opterName: string;
  /**
   * 设备唯一标识 字符型 40 必填
   * 如设备MAC地址
   */
  devId: string;
  /**
   * 设备网络 IP 字符型 40 必填
   */
  devIP: string;
}

/** 【oneCodeStatus】查询用户一码付状态 出参（face-one-code-pay.txt 5.1.1.1；HIS → 一码付模块） */
export interface OneCodeStatusOutput {
  /**
   * 状态标识 字符型 3 必填
   * 字典 stasFlag（一码付状态标识）：0 未签约不可用；1 已签约且可用；2 已签约不可用
   */
  stasFlag: '0' | '1' | '2';
  /**
   * 不可用原因 字符型 200 必填
   */
  abnRea: string;
  /**
   * 支付渠道用户账号名 字符型 40 必填
   */
  payChnlUserName: string;
  /**
   * 支付渠道名称 字符型 40 必填
   */
  payChnlName: string;
}

/** 【oneCodePayCert】获取一码付付款凭据 入参（face-one-code-pay.txt 5.1.1.2；HIS → 一码付模块） */
export interface OneCodePayCertInput {
  /**
   * 电子凭证令牌 字符型 40 必填
   * 电子凭证令牌 ecToken，刷脸后有返回该信息
   */
  token: string;
  /**
   * 现金支付金额 字符型 20 必填
   * 订单中需现金支付金额，机构侧应保证该金额的准确性（字符型，元）
   */
  ownPaySetlAmt: string;
  /**
   * 定点医药机构代码 字符型 40 必填
   */
  orgCodg: string;
  /**
   * 定点医药机构名称 字符型 200 必填
   */
  orgName: string;
  /**
   * 经办人员编号 字符型 40 必填
   */
  opterId: string;
  /**
   * 经办人员姓名 字符型 40 必填
   */
  opterName: string;
  /**
   * 设备唯一标识 字符型 40 必填
   */
  devId: string;
  /**
   * 设备网络 IP 字符型 20 必填
   */
  devIP: string;
  /**
   * 定点医药机构交易流水号 字符型 200 必填
   * 定点医药机构侧自定义
   */
  fixmedinsTrnsSn: string;
}

/** 【oneCodePayCert】获取一码付付款凭据 出参（face-one-code-pay.txt 5.1.1.2；HIS → 一码付模块） */
export interface OneCodePayCertOutput {
  /**
   * 付款凭据 字符型 200 必填
   * 规范表中长度为 3，显系笔误；yibao 取 200
   */
  payCert: string;
  /**
   * 支付渠道用户账号名 字符型 200 必填
   */
  payChnlUserName: string;
  /**
   * 支付渠道名称 字符型 40 必填
   */
  payChnlName: string;
}

/** 【pushMsg】医疗消息推送 入参（regional-payment-portal.txt 2.4.1（示例）；HIS → 区域医保支付门户） */
export interface PushMsgInput {
  /**
   * 卡类型 字符型 10 可选
   */
  cardType?: string;
  /**
   * 卡号 字符型 64 可选
   */
  cardNo?: string;
  /**
   * HIS 患者类型 字符型 10 可选
   */
  hisCustType?: string;
  /**
   * HIS 患者编号 字符型 64 可选
   */
  hisCustId?: string;
  /**
   * 应用类型 字符型 10 可选
   */
  appType?: string;
  /**
   * 定点机构订单号 字符型 64 必填
   * 定点机构自己的订单 ID
   */
  medOrgOrd: string;
  /**
   * 退款原因 字符型 200 可选
   * 退款成功的推送才需要赋值
   */
  refundReason?: string;
  /**
   * 省医保订单号 字符型 64 可选
   */
  payOrdId?: string;
  /**
   * 订单状态 字符型 32 必填
   * 字典 orderStatus（推送类型（订单状态））：MERCHANT_WAIT_PAY 待支付；MERCHANT_PAID 已支付；MERCHANT_PART_REFUNDED 已部分退款；MERCHANT_REFUNDED 已全额退款
   */
  orderStatus: 'MERCHANT_WAIT_PAY' | 'MERCHANT_PAID' | 'MERCHANT_PART_REFUNDED' | 'MERCHANT_REFUNDED';
  /**
   * 机构编号 字符型 40 必填
   */
  orgCode: string;
  /**
   * 分院编号 字符型 20 可选
   */
  subOrgCode?: string;
  /**
   * 用户姓名 字符型 64 必填
   */
  patientName: string;
  /**
   * 身份类型 字符型 3 必填
   */
  idType: string;
  /**
   * 身份证号 字符型 64 必填
   */
  idNo: string;
  /**
   * 取药地址 字符型 200 可选
   */
  takeMedicineLoc?: string;
  /**
   * 推送类型 字符型 32 必填
   * 字典 pushType（推送场景，开放：其他代码也可）：HOSPITAL_PAYMENT 医院待结算推送
   */
  pushType: 'HOSPITAL_PAYMENT' | (string & {});
  /**
   * 预约时间 字符型 19 可选
   * 格式：yyyy-MM-dd HH:mm:ss
   */
  scheduledTime?: string;
  /**
   * 科室名称 字符型 100 可选
   */
  deptName?: string;
  /**
   * 科室编码 字符型 30 可选
   */
  deptCode?: string;
  /**
   * 科室位置 字符型 200 可选
   */
  deptLoc?: string;
  /**
   * 医生姓名 字符型 50 可选
   */
  drName?: string;
  /**
   * 医生职级 字符型 50 可选
   */
  drLvName?: string;
  /**
   * 医生编号 字符型 30 可选
   */
  drNo?: string;
  /**
   * 排队人数 字符型 10 可选
   */
  waitingNum?: string;
  /**
   * 检查项目名称 字符型 200 可选
   */
  checkItem?: string;
  /**
   * 订单创建时间 字符型 19 必填
   * 格式：yyyy-MM-dd HH:mm:ss
   */
  createTime: string;
  /**
   * 订单更新时间 字符型 19 可选
   * 格式：yyyy-MM-dd HH:mm:ss
   */
  updateTime?: string;
  /**
   * 扩展数据 对象 可选
   */
  extData?: { [key: string]: unknown };
}

/** 【pushMsg】医疗消息推送 出参（regional-payment-portal.txt 2.4.1（示例）；HIS → 区域医保支付门户） */
export interface PushMsgOutput {
  /**
   * 推送结果 字符型 20 必填
   */
  response: string;
}

/** 【verificationDrug】药品核销(YM_PORTAL_008) 入参（regional-payment-portal.txt 药品核销；HIS → 区域医保支付门户） */
export interface VerificationDrugInput {
  /**
   * 取药ID 字符型 64 必填
   * 如 202212229114
   */
  mobileDrugTipsId: string;
  /**
   * 取药ID类型 字符型 3 必填
   * 字典 drugTipsIdType（取药ID类型）：qr 二维码；bar 条码
   */
  drugTipsIdType: 'qr' | 'bar';
}

/** 【verificationDrug】药品核销(YM_PORTAL_008) 出参（regional-payment-portal.txt 药品核销；HIS → 区域医保支付门户） */
export interface VerificationDrugOutput {
  /**
   * 交易跟踪号 字符型 64 必填
   */
  traceId: string;
  /**
   * 取药/检查/检验/治疗状态 字符型 32 必填
   */
  drugStatus: string;
  /**
   * 取药/检查/检验/治疗状态描述 字符型 200 必填
   */
  drugStatusDesc: string;
  /**
   * 项目类型 字符型 10 必填
   * 药品 DRUG, 检查 CHECK, 检验 TEST
   */
  drugType: string;
  /**
   * 项目类型描述 字符型 200 必填
   */
  drugTypeDesc: string;
}

/** 【cn.nhsa.ec.auth】刷脸获取医保用户身份授权 入参（service-terminal.txt 1.1；HIS → 医保业务综合服务终端） */
export interface EcAuthInput {
  /**
   * 机构 ID 字符型 40 必填
   * 医保定点机构代码
   */
  orgId: string;
  /**
   * 定点医药机构本次业务流水号 字符型 64 必填
   * 不可重复，每次请求都需要唯一
   */
  outBizNo: string;
  /**
   * 用码业务类型 字符型 5 必填
   * 字典 businessType（用码业务类型，开放：其他代码也可，5 位数字）：01101 门诊挂号；01102 住院建档；01103 入院登记；01104 缴纳预缴金；01201 门诊问诊；01202 预约检查；01203 检查；01204 治疗；01301 门诊结算；01302 取药；02121 药店购药；02122 下载外购处方
   */
  businessType: '01101' | '01102' | '01103' | '01104' | '01201' | '01202' | '01203' | '01204' | '01301' | '01302' | '02121' | '02122' | (string & {});
  /**
   * 收款员编号 字符型 20 必填
   */
  operatorId: string;
  /**
   * 收款员姓名 字符型 30 必填
   */
  operatorName: string;
  /**
   * 医保科室编号 字符型 20 必填
   */
  officeId: string;
  /**
   * 科室名称 字符型 30 必填
   */
  officeName: string;
  /**
   * 扩展参数 字符型 4000 可选
   * JSON 对象字符串
   */
  extData?: string;
}

/** 【cn.nhsa.ec.auth】刷脸获取医保用户身份授权 出参（service-terminal.txt 1.1；HIS → 医保业务综合服务终端） */
export interface EcAuthOutput {
  /**
   * 实人认证业务流水号 字符型 64 必填
   * 用于后续与中台交互换取身份信息
   */
  authNo: string;
  /**
   * 人像令牌 字符型 200 可选
   * 用于后续换取用户人像照片
   */
  fToken?: string;
  /**
   * 定点医药机构本次业务流水号 字符型 64 必填
   */
  outBizNo: string;
  /**
   * 扩展参数 字符型 4000 可选
   */
  extData?: string;
}

/** 【cn.nhsa.auth.check】获取医保用户身份信息 入参（service-terminal.txt 1.3；HIS → 医保业务综合服务终端） */
export interface AuthCheckInput {
  /**
   * 机构 ID 字符型 40 必填
   */
  orgId: string;
  /**
   * 实人认证业务流水号 字符型 64 必填
   */
  authNo: string;
  /**
   * 定点医药机构本次业务流水号 字符型 64 必填
   */
  outBizNo: string;
  /**
   * 用码业务类型 字符型 5 必填
   * 字典 businessType（用码业务类型，开放：其他代码也可，5 位数字）：01101 门诊挂号；01102 住院建档；01103 入院登记；01104 缴纳预缴金；01201 门诊问诊；01202 预约检查；01203 检查；01204 治疗；01301 门诊结算；01302 取药；02121 药店购药；02122 下载外购处方
   */
  businessType: '01101' | '01102' | '01103' | '01104' | '01201' | '01202' | '01203' | '01204' | '01301' | '01302' | '02121' | '02122' | (string & {});
  /**
   * 收款员编号 字符型 20 必填
   */
  operatorId: string;
  /**
   * 收款员姓名 字符型 30 必填
   */
  operatorName: string;
  /**
   * 医保科室编号 字符型 20 可选
   */
  officeId?: string;
  /**
   * 科室名称 字符型 30 可选
   */
  officeName?: string;
}

/** 【cn.nhsa.auth.check】获取医保用户身份信息 出参（service-terminal.txt 1.3；HIS → 医保业务综合服务终端） */
export interface AuthCheckOutput {
  /**
   * 用户姓名 字符型 50 必填
   */
  userName: string;
  /**
   * 证件号码 字符型 30 必填
   */
  idNo: string;
  /**
   * 证件类型 字符型 3 必填
   * 字典 psn_cert_type（人员证件类型，开放：其他代码也可）：01 居民身份证（户口簿）；02 中国人民解放军军官证；06 港澳居民来往内地通行证；07 台湾居民来往内地通行证；08 外国人护照；99 其他身份证件
   */
  idType: '01' | '02' | '06' | '07' | '08' | '99' | (string & {});
  /**
   * 身份核验令牌 字符型 40 必填
   */
  ecToken: string;
  /**
   * 参保地行政区划 字符型 6 必填
   */
  insuOrg: string;
  /**
   * 授权流水号 字符型 64 可选
   */
  authNo?: string;
  /**
   * 外部索引号 字符型 32 可选
   */
  ecIndexNo?: string;
  /**
   * 性别 字符型 3 可选
   */
  gender?: string;
  /**
   * 出生日期 字符型 10 可选
   */
  birthday?: string;
  /**
   * 国籍 字符型 40 可选
   */
  nationality?: string;
  /**
   * 电子邮箱 字符型 40 可选
   */
  email?: string;
}

/** 【cn.nhsa.settle.notify】结算结果通知 入参（service-terminal.txt 1.2；HIS → 医保业务综合服务终端） */
export interface SettleNotifyInput {
  /**
   * 核身或者刷脸的医疗机构业务流水号 字符型 64 必填
   * 需要传核身接口或者电子凭证接口里的流水号
   */
  outBizNo: string;
  /**
   * 医保/自费结算状态 字符型 64 必填
   * 字典 medicalSettleState（医保/自费结算状态）：SUCCESS 结算成功；FAIL 结算失败；REFUND_SUCCESS 退费成功；REFUND_FAIL 退费失败
   */
  medicalSettleState: 'SUCCESS' | 'FAIL' | 'REFUND_SUCCESS' | 'REFUND_FAIL';
  /**
   * 实人认证业务流水号 字符型 64 可选
   */
  authNo?: string;
  /**
   * 收款员编号 字符型 20 必填
   */
  operatorId: string;
  /**
   * 收款员姓名 字符型 30 必填
   */
  operatorName: string;
  /**
   * 总费用 字符型 64 必填
   */
  totalFee: string;
  /**
   * 业务场景 字符型 30 必填
   * 字典 bizType（业务场景）：register 挂号窗口；settle 诊间；drugStore 药店
   */
  bizType: 'register' | 'settle' | 'drugStore';
  /**
   * 身份证 字符型 64 可选
   */
  idNo?: string;
  /**
   * 姓名 字符型 64 可选
   */
  userName?: string;
  /**
   * 结算时间 字符型 64 必填
   */
  setlTime: string;
  /**
   * 定点机构名称 字符型 64 必填
   */
  hospitalName: string;
  /**
   * 科室编号 字符型 20 可选
   */
  officeId?: string;
  /**
   * 科室名称 字符型 30 可选
   */
  officeName?: string;
  /**
   * 医生 字符型 64 可选
   */
  doctorName?: string;
  /**
   * 失败原因 字符型 200 可选
   */
  failReason?: string;
  /**
   * 医保单据流水号 字符型 64 条件必填（规范标 Y，见说明）
   * SUCCESS/REFUND_SUCCESS 时必填
   */
  medicalSettleNo?: string;
  /**
   * 自费费用 字符型 64 条件必填（规范标 Y，见说明）
   * SUCCESS/REFUND_SUCCESS 时必填
   */
  ownAmt?: string;
  /**
   * 医保报销费用 字符型 64 条件必填（规范标 Y，见说明）
   * SUCCESS/REFUND_SUCCESS 时必填
   */
  hifAmt?: string;
  /**
   * 个人帐户支出 字符型 64 条件必填（规范标 Y，见说明）
   * SUCCESS/REFUND_SUCCESS 时必填
   */
  acctAmt?: string;
  /**
   * 统筹基金支出 字符型 64 条件必填（规范标 Y，见说明）
   * SUCCESS/REFUND_SUCCESS 时必填
   */
  hifpAmt?: string;
  /**
   * 大额医疗保险支出 字符型 64 可选
   */
  hifmiAmt?: string;
  /**
   * 公务员补助 字符型 64 可选
   */
  cvlservAmt?: string;
  /**
   * 医疗救助 字符型 64 可选
   */
  maAmt?: string;
  /**
   * 单病种定点医疗机构垫支 字符型 64 可选
   */
  hosPreAmt?: string;
  /**
   * 药品超标扣款金额 字符型 64 可选
   */
  medOverLmtAmt?: string;
  /**
   * 扶贫救助 字符型 64 可选
   */
  mafAmt?: string;
  /**
   * 历史起付公务员返还 字符型 64 可选
   */
  cvlservDedcAmt?: string;
  /**
   * 帐户余额 字符型 64 可选
   */
  balance?: string;
}

/** 【cn.nhsa.settle.notify】结算结果通知 出参（service-terminal.txt 1.2；HIS → 医保业务综合服务终端） */
export interface SettleNotifyOutput {
  /**
   * 定点医药机构本次业务流水号 字符型 64 必填
   */
  outBizNo: string;
  /**
   * 扩展参数 字符型 4000 可选
   */
  extData?: string;
}
