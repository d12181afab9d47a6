/**
 * The library's message tables (zh-CN and en). Apps add locales or replace
 * texts through the `messages` module option.
 */

type Table = Readonly<Record<string, string>>;

const texts = (zhCN: string, en: string): Table => Object.freeze({ 'zh-CN': zhCN, en });

/** Messages of the built-in catalog entries, by reason. */
export const BUILT_IN_MESSAGES: Readonly<Record<string, Table>> = Object.freeze({
  BAD_REQUEST: texts('请求参数错误', 'Bad request'),
  VALIDATION_FAILED: texts('参数验证失败', 'Validation failed'),
  MALFORMED_JSON: texts('请求体不是合法的 JSON', 'The request body is not valid JSON'),
  UNAUTHORIZED: texts('未授权', 'Unauthorized'),
  FORBIDDEN: texts('禁止访问', 'Forbidden'),
  NOT_FOUND: texts('资源不存在', 'Not found'),
  METHOD_NOT_ALLOWED: texts('请求方法不被允许', 'Method not allowed'),
  NOT_ACCEPTABLE: texts('无法提供请求的格式', 'Not acceptable'),
  REQUEST_TIMEOUT: texts('请求超时', 'Request timeout'),
  CONFLICT: texts('资源冲突', 'Conflict'),
  GONE: texts('资源已不存在', 'Gone'),
  PRECONDITION_FAILED: texts('前置条件不满足', 'Precondition failed'),
  PAYLOAD_TOO_LARGE: texts('请求体过大', 'Payload too large'),
  UNSUPPORTED_MEDIA_TYPE: texts('不支持的媒体类型', 'Unsupported media type'),
  UNPROCESSABLE_ENTITY: texts('无法处理的请求内容', 'Unprocessable entity'),
  TOO_MANY_REQUESTS: texts('请求过于频繁', 'Too many requests'),
  INTERNAL_ERROR: texts('服务器内部错误', 'Internal server error'),
  NOT_IMPLEMENTED: texts('功能未实现', 'Not implemented'),
  BAD_GATEWAY: texts('上游服务响应异常', 'Bad gateway'),
  SERVICE_UNAVAILABLE: texts('服务暂不可用', 'Service unavailable'),
  GATEWAY_TIMEOUT: texts('上游服务超时', 'Gateway timeout'),
  UPSTREAM_ERROR: texts('依赖的服务响应异常', 'A service this request depends on failed'),
  UPSTREAM_UNAVAILABLE: texts('依赖的服务暂不可用', 'A service this request depends on is unavailable'),
  UPSTREAM_TIMEOUT: texts('依赖的服务响应超时', 'A service this request depends on did not answer in time'),
  DEADLINE_EXCEEDED: texts('请求未能在时限内完成', 'The request could not be completed within its deadline'),
});

/** Messages of a status without a built-in entry (418, 451, ...). */
export function genericStatusMessages(status: number, statusText: string): Table {
  return texts(status >= 500 ? '服务器内部错误' : '请求错误', statusText);
}

/** Message of the opt-in success envelope. */
export const SUCCESS_MESSAGES: Table = texts('成功', 'success');

/**
 * Messages of class-validator constraints, by constraint name. `{0}`, `{1}`
 * are the decorator's arguments (`@Length(3, 20)`), `{property}` the field.
 */
export const CONSTRAINT_MESSAGES: Readonly<Record<string, Table>> = Object.freeze({
  isNotEmpty: texts('不能为空', 'must not be empty'),
  isDefined: texts('必须提供', 'must be provided'),
  isString: texts('必须是字符串', 'must be a string'),
  isInt: texts('必须是整数', 'must be an integer'),
  isNumber: texts('必须是数字', 'must be a number'),
  isBoolean: texts('必须是布尔值', 'must be a boolean'),
  isEmail: texts('必须是合法的邮箱地址', 'must be a valid email address'),
  isUrl: texts('必须是合法的 URL', 'must be a valid URL'),
  isUuid: texts('必须是合法的 UUID', 'must be a valid UUID'),
  isEnum: texts('必须是以下值之一：{1}', 'must be one of: {1}'),
  isDateString: texts('必须是合法的 ISO 8601 日期', 'must be a valid ISO 8601 date'),
  isArray: texts('必须是数组', 'must be an array'),
  isObject: texts('必须是对象', 'must be an object'),
  minLength: texts('长度不能少于 {0}', 'must be at least {0} characters long'),
  maxLength: texts('长度不能超过 {0}', 'must be at most {0} characters long'),
  isLength: texts('长度必须在 {0} 到 {1} 之间', 'must be between {0} and {1} characters long'),
  min: texts('不能小于 {0}', 'must not be less than {0}'),
  max: texts('不能大于 {0}', 'must not be greater than {0}'),
  arrayMinSize: texts('至少需要 {0} 项', 'must contain at least {0} items'),
  arrayMaxSize: texts('最多只能有 {0} 项', 'must contain at most {0} items'),
  arrayNotEmpty: texts('不能为空数组', 'must not be an empty array'),
  matches: texts('格式不正确', 'has an invalid format'),
  whitelistValidation: texts('是不允许的字段', 'is not an allowed field'),
  nestedValidation: texts('必须是对象或数组', 'must be an object or an array'),
  unknownValue: texts('无法验证未知类型的值', 'cannot be validated: unknown value type'),
  isPositive: texts('必须是正数', 'must be a positive number'),
  isNegative: texts('必须是负数', 'must be a negative number'),
  isIn: texts('必须是以下值之一：{0}', 'must be one of: {0}'),
  isDate: texts('必须是日期', 'must be a date'),
  isNumberString: texts('必须是数字字符串', 'must be a numeric string'),
  isPhoneNumber: texts('必须是合法的电话号码', 'must be a valid phone number'),
  isMobilePhone: texts('必须是合法的手机号码', 'must be a valid mobile phone number'),
  // the body bounds, checked before validation
  maxDepth: texts('嵌套不能超过 {0} 层', 'must not nest deeper than {0} levels'),
  tooComplex: texts('过于复杂，无法验证', 'is too complex to validate'),
});
