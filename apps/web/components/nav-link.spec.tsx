import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { NavLink } from './nav-link';

const path = vi.hoisted(() => ({ current: '/settings/webhooks' }));
vi.mock('next/navigation', () => ({ usePathname: () => path.current }));

describe('NavLink', () => {
  it('marks the page and the pages below it current, except those with an entry of their own', () => {
    render(
      <nav>
        <NavLink href="/settings/webhooks">Webhooks</NavLink>
        <NavLink href="/settings" except={['/settings/webhooks']}>
          Settings
        </NavLink>
      </nav>,
    );
    expect(screen.getByRole('link', { name: 'Webhooks' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBeNull();
  });

  it('keeps a section current on its sub-pages', () => {
    path.current = '/settings/account';
    render(<NavLink href="/settings" except={['/settings/webhooks']}>Settings</NavLink>);
    expect(screen.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
  });
});
