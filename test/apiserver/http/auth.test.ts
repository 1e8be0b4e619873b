import test from 'ava';
import { generateToken, isAuthorized, stripPathToken } from '../../../apiserver/http/auth.js';

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

test('stripPathToken › a /token/<token> prefix authorizes and is removed; anything else is left alone', (t) => {
  const token = generateToken();
  t.deepEqual(stripPathToken(`/token/${token}/api/v1/pods`, token), { pathname: '/api/v1/pods', isAuthorized: true });
  t.deepEqual(stripPathToken(`/token/${token}`, token), { pathname: '/', isAuthorized: true });
  t.deepEqual(stripPathToken(`/token/${token}x/api`, token), { pathname: `/token/${token}x/api`, isAuthorized: false });
  t.deepEqual(stripPathToken('/token/wrong/api', token), { pathname: '/token/wrong/api', isAuthorized: false });
  t.deepEqual(stripPathToken('/api/v1', token), { pathname: '/api/v1', isAuthorized: false });
});
