import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Toggle } from './toggle';

describe('Toggle', () => {
  it('is a named switch that asks for the opposite of its state', async () => {
    const onChange = vi.fn();
    render(<Toggle checked={false} label="Slate" onChange={onChange} />);
    const toggle = screen.getByRole('switch', { name: 'Slate' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    await userEvent.setup().click(toggle);
    expect(onChange).toHaveBeenCalledWith(true);
  });

  it('does nothing while disabled', async () => {
    const onChange = vi.fn();
    render(<Toggle checked label="Slate" disabled onChange={onChange} />);
    await userEvent.setup().click(screen.getByRole('switch', { name: 'Slate' }));
    expect(onChange).not.toHaveBeenCalled();
  });
});
