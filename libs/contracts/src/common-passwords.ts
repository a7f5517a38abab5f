/**
 * Passwords of 10 or more characters that appear near the top of public breach-frequency
 * lists (shorter ones already fail the length rule), plus a few Fanout-specific guesses.
 * Compared lower-cased with white space removed. Kept short on purpose: it stops the guesses an
 * online attacker tries first; the throttling on sign-in handles the rest.
 */
export const COMMON_PASSWORDS: readonly string[] = [
  '1234567890', '0123456789', '0987654321', '9876543210', '12345678910', '123456789a', 'a123456789',
  '1234567890a', '1234567890q', '12345678901', '123456789012', '1234567891', '1111111111', '0000000000',
  '1122334455', '1212121212', '1231231231', '1234512345', '1234554321', '5555555555', '1q2w3e4r5t',
  '1q2w3e4r5t6y', '1qaz2wsx3edc', '1qazxsw23edc', 'q1w2e3r4t5', 'q1w2e3r4t5y6', 'zaq12wsxcde3',
  'qwertyuiop', 'qwertyuiop1', 'qwertyuiop123', 'qwerty1234', 'qwerty12345', 'qwerty123456', 'qwertyqwerty',
  'qwer1234qwer', 'asdfghjkl1', 'asdfghjkl;', 'asdfasdfasdf', 'zxcvbnm123', 'zxcvbnmasdf', '1qaz2wsx!@',
  'password12', 'password123', 'password1234', 'password12345', 'password123456', 'password!1',
  'password1!', 'password!!', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'p@$$w0rd123', 'passwordpassword',
  'mypassword', 'mypassword1', 'newpassword', 'newpassword1', 'changeme123', 'changemenow', 'letmein123',
  'letmein1234', 'welcome123', 'welcome1234', 'welcome2024', 'welcome2025', 'welcome2026', 'iloveyou12',
  'iloveyou123', 'iloveyou1234', 'administrator', 'administrator1', 'admin12345', 'admin123456',
  'adminadmin', 'adminadmin1', 'superadmin', 'superuser1', 'rootpassword', 'secret1234', 'secretpassword',
  'abcdefghij', 'abcdefghijk', 'abcd123456', 'abc1234567', 'abcdef123456', 'abc123abc123', 'aaaaaaaaaa',
  'football123', 'baseball123', 'basketball', 'basketball1', 'soccer1234', 'starwars123', 'pokemon123',
  'computer123', 'internet123', 'sunshine123', 'princess123', 'michael123', 'jennifer123', 'whatever123',
  'trustno1234', 'dragon1234', 'monkey1234', 'master1234', 'shadow1234', 'summer2024', 'summer2025',
  'winter2024', 'winter2025', 'spring2025', 'autumn2025', 'december2025', 'january2026', 'livestream',
  'livestream1', 'streaming1', 'streaming123', 'streamkey123', 'broadcast1', 'youtube123', 'twitch1234',
  'fanoutfanout', 'fanout1234', 'fanout12345', 'fanout123456', 'fanoutadmin', 'fanoutpassword', 'obsstudio1',
  'correcthorsebatterystaple', 'thequickbrownfox', 'letmeinplease', 'iloveyouforever', 'blink182blink182',
];
