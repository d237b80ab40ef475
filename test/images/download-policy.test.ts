import { describe, expect, test } from 'vitest';
import { isAllowedUrl } from '../../src/images/download.js';

const HOSTS = ['cdn.discordapp.com', 'media.discordapp.net', '127.0.0.1:8080'];

describe('isAllowedUrl', () => {
  test.each([
    ['https://cdn.discordapp.com/attachments/1/2/a.png?ex=1', true],
    ['https://media.discordapp.net/attachments/1/2/a.png', true],
    ['HTTPS://CDN.DISCORDAPP.COM/a.png', true],
    ['https://cdn.discordapp.com:443/a.png', true],
    ['http://127.0.0.1:8080/a.png', true],
    ['https://127.0.0.1:8080/a.png', true],
    // A bare host name means https on its standard port, nothing else.
    ['http://cdn.discordapp.com/a.png', false],
    ['http://cdn.discordapp.com:80/a.png', false],
    ['https://cdn.discordapp.com:8443/a.png', false],
    ['http://127.0.0.1/a.png', false],
    ['http://127.0.0.1:8081/a.png', false],
    ['http://localhost:8080/a.png', false],
    // Look-alikes and tricks.
    ['https://cdn.discordapp.com.evil.example/a.png', false],
    ['https://evil.example/cdn.discordapp.com/a.png', false],
    ['https://cdn.discordapp.com@evil.example/a.png', false],
    ['https://user:pw@cdn.discordapp.com/a.png', false],
    ['https://user@cdn.discordapp.com/a.png', false],
    ['https://cdn.discordapp.com./a.png', false],
    ['https://[::1]/a.png', false],
    ['https://169.254.169.254/latest/meta-data/', false],
    ['file:///etc/passwd', false],
    ['data:image/png;base64,iVBORw0KGgo=', false],
    ['javascript:alert(1)', false],
    ['ftp://cdn.discordapp.com/a.png', false],
    ['//cdn.discordapp.com/a.png', false],
    ['not a url', false],
    ['', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAllowedUrl(url, HOSTS)).toBe(allowed);
  });
});
