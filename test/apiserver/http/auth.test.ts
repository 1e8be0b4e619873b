import test from 'ava';
import { generateToken, isAuthorized } from '../../../apiserver/http/auth.js';

test('generateToken › fresh, long and header-safe on every call', (t) => {
  const a = generateToken();
  const b = generateToken();
  t.not(a, b);
  t.true(a.length >= 40);
  t.regex(a, /^[A-Za-z0-9_-]+$/);
});

test('isAuthorized › only the exact bearer token passes', (t) => {
  const token = generateToken();
  t.true(isAuthorized(`Bearer ${token}`, token));
  t.true(isAuthorized(`bearer ${token}`, token));
  t.false(isAuthorized(undefined, token));
  t.false(isAuthorized('', token));
  t.false(isAuthorized(token, token));
  t.false(isAuthorized(`Basic ${token}`, token));
  t.false(isAuthorized(`Bearer ${token}x`, token));
  t.false(isAuthorized(`Bearer ${token.slice(1)}`, token));
  t.false(isAuthorized('Bearer ', token));
});
