import { defineErrors } from '../src/index.js';

export const AppErrors = defineErrors({
  USER_NOT_FOUND: {
    code: 10001,
    status: 404,
    messages: { 'zh-CN': '用户 {id} 不存在', en: 'User {id} not found' },
  },
});
